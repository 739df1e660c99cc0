"""``simulate``: build the world-level context, run the customer blocks (optionally in parallel), join them."""

from __future__ import annotations

import hashlib
import os
import platform
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from itertools import islice

import numpy as np
import pandas as pd

from . import (
    activities,
    assemble,
    calendar,
    callcentre,
    campaigns as camp,
    catalog,
    erp,
    identities,
    latent,
    quality,
    schema,
    voice,
)
from .blocks import Context, simulate_block
from .config import BLOCK_SIZE, CROSS_BORDER_LOCALES, SimConfig, make_config
from .incidents import CATEGORIES
from .seeding import stream

VERSIONED = ("numpy", "pandas", "pyarrow", "faker")
_WORKER_CTX: Context | None = None
IN_FLIGHT_EXTRA = 1  # blocks submitted beyond one per worker (done, awaiting the caller)


def package_versions() -> dict[str, str]:
    """Versions of the packages the output depends on (recorded in ``truth/params.json``)."""
    out = {name: metadata.version(name) for name in VERSIONED}
    out["python"] = platform.python_version()
    out["crmlab"] = metadata.version("crmlab") if _installed("crmlab") else "source"
    return out


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def build_context(config: SimConfig) -> Context:
    """Shops, catalogue, agents, campaign schedule and identity pools shared by every block."""
    seed = config.seed
    pools = identities.build_pools(("zh_CN", *config.locales), seed=seed)
    shops = catalog.make_shops(n_shops=config.n_shops, start=config.start, end=config.end,
                               locales=config.locales, pools=pools, rng=stream(seed, "shops"))
    products = catalog.make_products(shops, rng=stream(seed, "products"))
    agents = callcentre.make_agents(shops=shops, n_customers=config.n_customers, pools=pools, mode=config.mode,
                                    rng=stream(seed, "agents"))
    ws = calendar.week_starts(config.start, config.n_weeks)
    campaigns = camp.make_campaigns(shops=shops, n_weeks=config.n_weeks, week_start=ws,
                                    rng=stream(seed, "campaigns"))
    rng = stream(seed, "shop_size")
    size = rng.gamma(4.0, 1.0, len(shops)) * np.where(shops["kind"] == "domestic", 1.5, 1.0)
    shop_weight = size / size.sum()
    shops_cols = {"cross": (shops["kind"] == "cross_border").to_numpy(),
                  **{k: shops[k].to_numpy(dtype=float) for k in ("late_prob", "customs_prob", "defect_prob")}}
    share = (products.assign(c=products["category"].map({c: i for i, c in enumerate(CATEGORIES)}))
             .pivot_table(index="shop_id", columns="c", values="popularity", aggfunc="sum", fill_value=0.0)
             .reindex(index=shops["shop_id"], columns=range(len(CATEGORIES)), fill_value=0.0).to_numpy())
    cat_cdf = np.cumsum(share / share.sum(axis=1, keepdims=True), axis=1)
    return Context(config=config, shops=shops, products=products, agents=agents, campaigns=campaigns,
                   pools=pools, shop_weight=shop_weight, shops_cols=shops_cols, cat_cdf=cat_cdf)


def _init_worker(ctx: Context) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _simulate_job(ctx: Context, job: tuple[int, int, int]) -> dict[str, pd.DataFrame]:
    """One block's frames with Arrow strings (cheap to pickle back and to concatenate)."""
    return {k: assemble.to_arrow_strings(v) for k, v in simulate_block(ctx, *job).items()}


def _run_task(task, job: tuple[int, int, int]):
    return task(_WORKER_CTX, job)


def block_jobs(n_customers: int) -> list[tuple[int, int, int]]:
    """``(block, lo, hi)`` of every customer block: customers ``[lo, hi)``, ``BLOCK_SIZE`` per block."""
    return [(b, lo, min(lo + BLOCK_SIZE, n_customers)) for b, lo in enumerate(range(0, n_customers, BLOCK_SIZE))]


def iter_blocks(ctx: Context, *, task=_simulate_job, workers: int = 1, progress: bool = False) -> Iterator:
    """Yield ``task(ctx, (block, lo, hi))`` for every customer block, in block order, whatever ``workers``.

    ``task`` is a module-level function (it is pickled to the workers). With several workers at most
    ``workers + IN_FLIGHT_EXTRA`` blocks are submitted ahead of the one being yielded, which bounds the
    memory of finished blocks waiting for the caller.
    """
    jobs = block_jobs(ctx.config.n_customers)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(jobs), unit="block", desc="simulating", leave=False)
    try:
        if workers <= 1 or len(jobs) == 1:
            for job in jobs:
                yield task(ctx, job)
                bar and bar.update()
            return
        pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_init_worker,
                                   initargs=(ctx,))
        try:
            todo = iter(jobs)
            pending = deque(pool.submit(_run_task, task, job) for job in islice(todo, workers + IN_FLIGHT_EXTRA))
            while pending:
                result = pending.popleft().result()
                for job in todo:
                    pending.append(pool.submit(_run_task, task, job))
                    break
                yield result
                bar and bar.update()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()


def run_blocks(ctx: Context, *, workers: int = 1, progress: bool = False) -> list[dict[str, pd.DataFrame]]:
    """Simulate every customer block, in block order; the result does not depend on ``workers``."""
    return list(iter_blocks(ctx, workers=workers, progress=progress))

def simulate(*, n_customers: int = 10_000, n_shops: int = 6, start="2024-01-01", end="2026-01-01",
             mode: str = "lifecycle", locales=CROSS_BORDER_LOCALES, data_quality: bool = False, seed: int = 0,
             workers: int = 1, progress: bool = False):
    """Simulate shops and their customers' whole histories, with the hidden truth behind them.

    Parameters
    ----------
    n_customers : int, default=10_000
        Customer accounts across all shops (each signs up, and first buys, inside the horizon).
    n_shops : int, default=6
        Shops; about two thirds domestic (zh_CN buyers, CNY), the rest cross-border.
    start, end : date-like, default "2024-01-01", "2026-01-01"
        The observation horizon [start, end), day resolution; at least 4 weeks.
    mode : {"lifecycle", "btyd", "mixed"}, default="lifecycle"
        Generative process: the stage machine (考察期 → 形成期 → 稳定期 → 退化期 → exit) driven by
        satisfaction; exact BG/NBD + Gamma-Gamma; or each customer by a coin flip between the two.
    locales : tuple of str, default all of ``config.CROSS_BORDER_LOCALES``
        Faker locales of cross-border buyers (en_US, en_GB, de_DE, fr_FR, ja_JP, en_AU).
    data_quality : bool, default=False
        Add duplicate customer records across shops, guest orders and typos (truth keeps the real identity).
    seed : int, default=0
        Root of every random stream; same seed and package versions give byte-identical files.
    workers : int, default=1
        Processes generating customer blocks (output identical for any value).
    progress : bool, default=False
        Show a progress bar over blocks.

    Returns
    -------
    World
        ``world.<table>`` DataFrames as in ``schema.OBSERVED`` (e.g. ``orders`` of shape (n_orders, 17));
        ``world.truth`` with the ``schema.TRUTH`` tables and ``params``.

    See Also
    --------
    simulator.simulate_to : the same world written straight to disk block by block, in bounded memory
        (byte-identical to ``simulate(...).save(path)``); for worlds of hundreds of thousands of customers.
    simulator.simulate_lazy : the same world, each table generated when first used (a student's first world).
    """
    config = make_config(n_customers=n_customers, n_shops=n_shops, start=start, end=end, mode=mode,
                         locales=locales, data_quality=data_quality, seed=seed)
    return _world(config, *_joined(config, workers=workers, progress=progress))


def simulate_pair(*, workers: int = 1, progress: bool = False, **kwargs):
    """The clean and the data-quality world of the same keywords, from one simulation.

    Byte-identical to ``simulate(**kwargs, data_quality=False)`` and ``simulate(**kwargs, data_quality=True)``
    (the data-quality layer works on the finished world), at the cost of one: what a class needs per student.

    Returns
    -------
    (World, World)
        The clean world and the data-quality world, both with their truth.
    """
    kwargs.pop("data_quality", None)
    clean, dirty = make_config(**kwargs, data_quality=False), make_config(**kwargs, data_quality=True)
    observed, truth = _joined(clean, workers=workers, progress=progress)
    dq = _world(dirty, {k: v.copy() for k, v in observed.items()}, {k: v.copy() for k, v in truth.items()})
    return _world(clean, observed, truth), dq


def _joined(config: SimConfig, *, workers: int, progress: bool) -> tuple[dict, dict]:
    """Every block simulated and joined: the observed and truth tables with rendered ids, before any
    data-quality layer and before conforming to the schema."""
    ctx = build_context(config)
    joined = assemble.concat_blocks(run_blocks(ctx, workers=workers, progress=progress))
    calls = callcentre.queue_calls(joined["observed:calls"], ctx.agents, rng=stream(config.seed, "queue"))
    contacts = joined["observed:campaign_contacts"]
    orders = joined["observed:orders"]
    campaigns = costed_campaigns(ctx.campaigns, *campaign_counts(contacts, orders, len(ctx.campaigns)))
    effects = camp.effects(contacts, campaigns)

    observed = {"shops": ctx.shops, "products": ctx.products, "customers": joined["observed:customers"],
                "orders": orders, "order_items": joined["observed:order_items"],
                "tickets": joined["observed:tickets"], "agents": ctx.agents, "calls": calls,
                "surveys": joined["observed:surveys"], "kano_answers": joined["observed:kano_answers"],
                "campaigns": campaigns, "campaign_contacts": contacts, "leads": joined["observed:leads"],
                "opportunities": joined["observed:opportunities"], "ticket_events": joined["observed:ticket_events"],
                "ticket_messages": joined["observed:ticket_messages"]}
    truth = {"customers": joined["truth:customers"], "stage_spells": joined["truth:stage_spells"],
             "satisfaction": joined["truth:satisfaction"], "orders": joined["truth:orders"],
             "campaign_effects": effects, "kano_features": voice.kano_features_truth(),
             "ticket_events": joined["truth:ticket_events"], "ticket_messages": joined["truth:ticket_messages"]}
    truth["customers"]["person_id"] = truth["customers"]["customer_id"]
    shared = {"shops", "products", "agents", "campaigns"}  # also held by the context: copy, don't mutate
    observed = {k: assemble.render_ids(v, inplace=k not in shared) for k, v in observed.items()}
    truth = {k: assemble.render_ids(v, inplace=True) for k, v in truth.items()}
    observed["erp_invoices"], truth["erp_issues"] = erp.make_erp(
        opportunities=observed["opportunities"], shops=observed["shops"], end=config.end,
        rng=stream(config.seed, "erp"))
    observed["activities"] = activities.make_activities(
        leads=observed["leads"], opportunities=observed["opportunities"], shops=observed["shops"], pools=ctx.pools,
        end=config.end, rng=stream(config.seed, "activities"))
    return observed, truth


def _world(config: SimConfig, observed: dict, truth: dict):
    """The :class:`World` of ``config`` from joined tables: the data-quality layer if asked, then the schema."""
    from .world import Truth, World

    if config.data_quality:
        observed, truth = quality.apply_data_quality(observed, truth, rng=stream(config.seed, "quality"))
    observed = {k: assemble.conform(observed.pop(k), schema.OBSERVED[k]) for k in schema.OBSERVED}  # schema order
    truth = {k: assemble.conform(truth.pop(k), schema.TRUTH[k]) for k in schema.TRUTH}
    return World(tables=observed, truth=Truth(tables=truth, params=world_params(config)))


def world_params(config: SimConfig) -> dict:
    """The generation record kept in ``truth/params.json`` (without format and hashes)."""
    return {"config": config.to_json(), "seed": config.seed, "versions": package_versions(),
            "simulator_hash": source_hash(), "block_size": BLOCK_SIZE, "population": latent.population(config.mode)}


def campaign_counts(contacts: pd.DataFrame, orders: pd.DataFrame, n_campaigns: int) -> tuple[np.ndarray, np.ndarray]:
    """Treated contacts and redeemed orders per campaign (int64, shape (n_campaigns,)); int ``campaign_id``.

    Counts add up over blocks, so the streaming writer sums them block by block.
    """
    treated = contacts["campaign_id"].to_numpy(dtype=np.int64)[(contacts["group"] == "treatment").to_numpy()]
    redeemed = orders["campaign_id"].to_numpy(dtype=np.int64)
    redeemed = redeemed[redeemed >= 0]
    return (np.bincount(treated, minlength=n_campaigns).astype(np.int64),
            np.bincount(redeemed, minlength=n_campaigns).astype(np.int64))


def costed_campaigns(campaigns: pd.DataFrame, n_treated: np.ndarray, n_redeemed: np.ndarray) -> pd.DataFrame:
    """A copy of the schedule with ``actual_cost`` (contacts × cost + redemptions × offer, currency) and
    ``budget`` (actual cost + 15 %, rounded up to 100)."""
    out = campaigns.copy()
    out["actual_cost"] = np.round(n_treated * out["cost_per_contact"] + n_redeemed * out["offer_value"], 2)
    out["budget"] = np.round(np.ceil(out["actual_cost"] * 1.15 / 100.0) * 100.0, 2)
    return out


def source_hash() -> str:
    """SHA-256 (first 16 hex digits) of the simulator's own source files: a cache key for worlds."""
    h = hashlib.sha256()
    root = os.path.dirname(__file__)
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith((".py", ".csv", ".json")):
                with open(os.path.join(dirpath, name), "rb") as fh:
                    h.update(name.encode() + fh.read())
    return h.hexdigest()[:16]
