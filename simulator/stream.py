"""``simulate_to``: simulate a world block by block straight into its files, never holding the whole world.

Workers generate customer blocks (``engine.iter_blocks``), reduce each to its summary figures and
campaign counts, conform every table to ``simulator.schema`` and convert it to Arrow (:class:`EncodedBlock`);
the main process takes the blocks in block order, a bounded number in flight, renders the block-local ids
as global ones and appends each table to its :class:`~simulator.tablefile.TableFile`. What needs the whole
world stays small until the end:

* calls: ``callcentre.queue_calls`` needs every call, so a block's calls are spilled to an Arrow file
  and only the columns the queue reads (``QUEUE_COLUMNS``) are kept; queued at the end, the queue's
  columns put in place, then written;
* campaigns: treated contacts and redeemed orders per campaign are counted block by block;
* campaign effects: the five narrow contact columns ``campaigns.effects`` averages are kept;
* ERP invoices and activities: the finished leads and opportunities (B2B only, a small share of the rows)
  are kept and the two tables made from them at the end (``WORLD_INPUTS``, :func:`world_tables`).

The files are byte-identical to ``simulate(...).save(path)`` with the same arguments, for any ``workers``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from . import activities, assemble, callcentre, campaigns as camp, engine, erp, schema, summary, voice
from .blocks import simulate_block
from .config import CROSS_BORDER_LOCALES, SimConfig
from .seeding import stream
from .tablefile import TableFile
from .world import atomic_folder, check_format, table_file, write_params

QUEUE_COLUMNS = ("arrival_ts", "queue", "direction", "ivr_contained", "talk_s", "hold_s", "wrap_s")
QUEUED_COLUMNS = ("wait_s", "abandoned", "agent_id", "talk_s", "hold_s", "wrap_s")  # set by the queue
_CODED = ("queue", "direction")  # kept as categoricals (1 byte a call) until the queue runs
EFFECT_COLUMNS = ("campaign_id", "p0", "p1", "y0", "y1")


def _file_key(key: str) -> str:
    """``observed:orders`` → ``orders``; ``truth:orders`` → ``truth/orders`` (the params.json hash keys)."""
    kind, name = key.split(":")
    return name if kind == "observed" else f"truth/{name}"


@dataclass
class EncodedBlock:
    """A customer block as a worker hands it to the writer: tables ready to write but for global ids.

    ``tables`` are schema-conformed Arrow tables whose block-local id columns (``assemble.LOCAL_IDS``) are
    empty strings (so the Arrow schema is final); ``local_ids`` keeps those columns' integers for the main
    process to offset and render. ``tables["observed:calls"]`` is not queued yet (no waits, no agents):
    ``queue_input`` holds the columns the world-wide queue reads, queues and direction as categoricals.
    """

    tables: dict[str, pa.Table]
    local_ids: dict[str, dict[str, np.ndarray]]
    rows: dict[str, int]
    queue_input: pd.DataFrame
    n_treated: np.ndarray
    n_redeemed: np.ndarray
    effects: pd.DataFrame
    stats: summary.Stats


def _block_job(ctx, job: tuple[int, int, int]) -> EncodedBlock:
    """Simulate one block and do in the worker all the writer's work that needs no global offset."""
    frames = simulate_block(ctx, *job)
    observed = {k.split(":")[1]: v for k, v in frames.items() if k.startswith("observed:")}
    truth = {k.split(":")[1]: v for k, v in frames.items() if k.startswith("truth:")}
    stats = summary.collect(observed, truth)
    contacts = frames["observed:campaign_contacts"]
    n_treated, n_redeemed = engine.campaign_counts(contacts, frames["observed:orders"], len(ctx.campaigns))
    effects = contacts[list(EFFECT_COLUMNS)].copy()
    rows = assemble.block_rows(frames)
    queue_input = frames["observed:calls"][list(QUEUE_COLUMNS)].copy()
    for col in _CODED:
        queue_input[col] = queue_input[col].astype("category")
    frames["truth:customers"]["person_id"] = frames["truth:customers"]["customer_id"]
    tables, local_ids = {}, {}
    for key in list(frames):
        df = frames.pop(key)
        local_ids[key] = {c: df[c].to_numpy(dtype=np.int64) for c in assemble.LOCAL_IDS if c in df.columns}
        for col in local_ids[key]:
            df[col] = np.int64(-1)  # rendered "" here (schema only); the main process renders the global ids
        tables[key] = pa.Table.from_pandas(_final(df, key), preserve_index=False, nthreads=1)
    return EncodedBlock(tables=tables, local_ids=local_ids, rows=rows, queue_input=queue_input, n_treated=n_treated,
                        n_redeemed=n_redeemed, effects=effects, stats=stats)


def _globalised(table: pa.Table, local_ids: dict[str, np.ndarray], offsets: dict[str, int]) -> pa.Table:
    """``table`` with each block-local id column replaced by its global id string (−1 stays "")."""
    for col, values in local_ids.items():
        shifted = np.where(values >= 0, values + offsets[assemble.LOCAL_IDS[col]], -1)
        i = table.schema.get_field_index(col)
        table = table.set_column(i, table.schema.field(i), assemble.format_id_array(shifted, *schema.ID_FORMATS[col]))
    return table


def _queued(calls: pa.Table, queued: dict[str, np.ndarray]) -> pa.Table:
    """Calls with the queue's columns filled in (``agent_id`` rendered; −1, no agent, stays "")."""
    for col, values in queued.items():
        i = calls.schema.get_field_index(col)
        field = calls.schema.field(i)
        arr = (assemble.format_id_array(values, *schema.ID_FORMATS[col]) if col in schema.ID_FORMATS
               else pa.array(values, type=field.type))
        calls = calls.set_column(i, field, arr)
    return calls


def _final(df: pd.DataFrame, key: str, *, inplace: bool = True) -> pd.DataFrame:
    kind, name = key.split(":")
    return assemble.conform(assemble.render_ids(df, inplace=inplace),
                            (schema.OBSERVED if kind == "observed" else schema.TRUTH)[name])


WORLD_INPUTS = ("observed:leads", "observed:opportunities")  # block tables kept (small: B2B only) for the
# world-level tables


def world_tables(config: SimConfig, kept: dict[str, list[pa.Table]], *, shops: pd.DataFrame,
                 pools) -> dict[str, pd.DataFrame]:
    """The tables made from whole finished tables (ERP invoices, activities), from the kept ``WORLD_INPUTS``."""
    leads, opportunities = (pa.concat_tables(kept[key], promote_options="permissive").to_pandas()
                            for key in WORLD_INPUTS)
    invoices, issues = erp.make_erp(opportunities=opportunities, shops=shops, end=config.end,
                                    rng=stream(config.seed, "erp"))
    acts = activities.make_activities(leads=leads, opportunities=opportunities, shops=shops, pools=pools,
                                      end=config.end, rng=stream(config.seed, "activities"))
    return {"observed:erp_invoices": invoices, "truth:erp_issues": issues, "observed:activities": acts}


class _CallSpill:
    """A world's calls, block by block, in an Arrow file beside the output; the queue's columns in memory.

    Blocks arrive conformed, with global call and ticket ids; the queue's results (``QUEUED_COLUMNS``)
    replace their placeholders at the end, column by column, without a round trip through pandas.
    """

    def __init__(self, path: Path):
        self.path, self._writer, self._narrow = path, None, []

    def add(self, calls: pa.Table, queue_input: pd.DataFrame) -> None:
        if self._writer is None:
            self._writer = pa.ipc.new_file(str(self.path), calls.schema)
        self._writer.write_table(calls)
        self._narrow.append(queue_input)

    def write_queued(self, out: TableFile, agents: pd.DataFrame, rng: np.random.Generator) -> None:
        """Queue every call (``callcentre.queue_calls``), then append the finished calls to ``out``."""
        coded = {col: union_categoricals([b.pop(col) for b in self._narrow], sort_categories=True)
                 for col in _CODED}
        narrow = pd.concat(self._narrow, ignore_index=True).assign(**coded)
        self._narrow = []
        queued = callcentre.queue_calls(narrow, agents, rng=rng)
        queued = {col: queued[col].to_numpy() for col in QUEUED_COLUMNS}
        del narrow
        self._writer.close()
        self._writer = None
        start = 0
        with pa.memory_map(str(self.path)) as source:
            reader = pa.ipc.open_file(source)
            batches = (pa.Table.from_batches([reader.get_batch(i)]) for i in range(reader.num_record_batches))
            for table in batches if reader.num_record_batches else [reader.schema.empty_table()]:
                n = table.num_rows
                out.append(_queued(table, {col: v[start:start + n] for col, v in queued.items()}))
                start += n
        os.remove(self.path)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()


def write_world(path, config: SimConfig, *, format: str = "parquet", force: bool = False, workers: int = 1,
                progress: bool = False) -> tuple[Path, summary.Stats]:
    """Stream the world of ``config`` into folder ``path`` (see :func:`simulate_to`).

    Returns the absolute folder and the world's :class:`~simulator.summary.Stats` (for ``summarize``).
    ``config.data_quality`` must be False: that layer works on the whole world (``simulate`` + ``save``).
    """
    check_format(format)
    if config.data_quality:
        raise ValueError("data_quality works on the whole world: use simulate(...).save(...)")
    with atomic_folder(path, force=force) as tmp:
        ctx = engine.build_context(config)
        n_campaigns = len(ctx.campaigns)
        (tmp / "truth").mkdir()
        files: dict[str, TableFile] = {}
        spill = _CallSpill(tmp / ".calls.arrow")
        blocks = engine.iter_blocks(ctx, task=_block_job, workers=workers, progress=progress)

        def write(key: str, df: pd.DataFrame) -> None:
            if key not in files:
                files[key] = TableFile(table_file(tmp, _file_key(key), format), format)
            files[key].append(df)

        try:
            for key, df in (("observed:shops", ctx.shops), ("observed:products", ctx.products),
                            ("observed:agents", ctx.agents), ("truth:kano_features", voice.kano_features_truth())):
                write(key, _final(df, key, inplace=False))
            offsets = dict.fromkeys(assemble.PRIMARY, 0)
            n_treated = n_redeemed = np.zeros(n_campaigns, dtype=np.int64)
            effect_cols, stats = [], summary.Stats()
            kept = {key: [] for key in WORLD_INPUTS}
            for block in blocks:
                for key, table in block.tables.items():
                    table = _globalised(table, block.local_ids[key], offsets)
                    if key == "observed:calls":
                        spill.add(table, block.queue_input)
                    else:
                        write(key, table)
                    if key in WORLD_INPUTS:
                        kept[key].append(table)
                offsets = {t: offsets[t] + block.rows[t] for t in offsets}
                n_treated, n_redeemed = n_treated + block.n_treated, n_redeemed + block.n_redeemed
                effect_cols.append(block.effects)
                stats.merge(block.stats)
            campaigns = engine.costed_campaigns(ctx.campaigns, n_treated, n_redeemed)
            effects = camp.effects(pd.concat(effect_cols, ignore_index=True), campaigns)
            del effect_cols
            write("observed:campaigns", _final(campaigns, "observed:campaigns"))
            write("truth:campaign_effects", _final(effects, "truth:campaign_effects"))
            shops = _final(ctx.shops, "observed:shops", inplace=False)
            for key, df in world_tables(config, kept, shops=shops, pools=ctx.pools).items():
                write(key, _final(df, key))
            del kept
            hashes = {_file_key(key): f.close() for key, f in files.items()}  # frees their buffers
            pa.default_memory_pool().release_unused()  # … before the queue, the main's peak
            files["observed:calls"] = TableFile(table_file(tmp, "calls", format), format)
            spill.write_queued(files["observed:calls"], ctx.agents, stream(config.seed, "queue"))
            hashes["calls"] = files["observed:calls"].close()
        finally:
            blocks.close()
            spill.abort()
            for f in files.values():
                f.abort()
        write_params(tmp, engine.world_params(config), fmt=format, hashes=hashes)
    stats.merge(summary.collect({"shops": ctx.shops, "campaigns": campaigns}))
    return Path(path).absolute(), stats


def simulate_to(path: str | os.PathLike, *, n_customers: int = 10_000, n_shops: int = 6, start="2024-01-01",
                end="2026-01-01", mode: str = "lifecycle", locales=CROSS_BORDER_LOCALES,
                data_quality: bool = False, seed: int = 0, workers: int = 1, progress: bool = False,
                format: str = "parquet", force: bool = False) -> Path:
    """Simulate a world and write it to folder ``path`` block by block, never holding the whole world.

    The files are byte-identical to ``simulate(...).save(path, format=format)`` with the same arguments
    (``truth/params.json`` and its SHA-256 hashes included), for any ``workers``. Main-process memory stays
    bounded: a few blocks of 25,000 customers in flight, under 131,072 buffered rows per table, and the
    world's calls reduced to the queue's seven columns (about 60 bytes per call).

    Parameters
    ----------
    path : str or path-like
        Output folder; created, must be absent or empty unless ``force``. Written into a temporary sibling
        folder that is renamed into place at the end: after any error nothing half-written remains.
    n_customers, n_shops, start, end, mode, locales, data_quality, seed, workers, progress
        As in :func:`simulator.simulate`. ``data_quality=True`` works on the whole world (duplicates across
        shops), so it falls back to ``simulate(...).save(...)`` in memory: use it on small worlds.
    format : {"parquet", "csv"}, default="parquet"
        File format of every table.
    force : bool, default=False
        Replace a non-empty ``path``.

    Returns
    -------
    Path
        The absolute path of the written world (``path``), to be read with :func:`simulator.load`.

    Raises
    ------
    WorldIOError
        ``path`` is not empty (without ``force``), is a file, or its parent is missing or read-only;
        or ``format`` is unknown.
    ConfigError
        A parameter is out of range (as in :func:`simulator.simulate`).
    """
    config = engine.make_config(n_customers=n_customers, n_shops=n_shops, start=start, end=end, mode=mode,
                                locales=locales, data_quality=data_quality, seed=seed)
    if data_quality:
        check_format(format)
        world = engine.simulate(n_customers=n_customers, n_shops=n_shops, start=start, end=end, mode=mode,
                                locales=locales, data_quality=True, seed=seed, workers=workers, progress=progress)
        return world.save(path, format=format, force=force)
    return write_world(path, config, format=format, force=force, workers=workers, progress=progress)[0]
