"""``simulate_lazy``: a world whose tables are generated when first used, each byte-identical to ``simulate``'s.

A student's first world (``labs.data.my_world``) should not wait for fourteen tables when the first cell
looks at two. The named random streams make this possible: every component draws from its own stream keyed
by (seed, component, block), so a table computed alone draws exactly what it draws inside the whole world.
:class:`LazyBuild` follows :func:`simulator.engine.simulate` step for step — the same block steps
(:class:`simulator.blocks.BlockParts`), the same joining (Arrow strings, block-local ids shifted by the rows
of earlier blocks), the same world-wide steps (call queue, campaign costs, campaign effects), id rendering,
data-quality layer and schema conforming — but runs each one only when a table asked for needs it, and
keeps its result for the next table. What each table needs:

* ``shops``, ``products``, ``agents``: the world context only (about 20 ms);
* ``orders``, ``order_items``, truth ``orders``, ``satisfaction``, ``stage_spells``: the population and
  the weekly lifecycle of every block (most of the cost);
* ``customers`` (and, with ``data_quality``, ``orders``): the identities too; ``tickets``, ``calls``,
  ``surveys``, ``kano_answers``, ``leads``, ``opportunities``, ``campaign_contacts``: their own step on
  top; ``ticket_events`` and ``ticket_messages`` (and their truth): the tickets' step and their own;
  ``campaigns`` and truth ``campaign_effects``: the contacts and orders of every block; ``erp_invoices``
  (truth ``erp_issues``) and ``activities``: the opportunities (and leads) of every block, then their own
  world-level step.

The byte-identity is asserted table by table, each asked for first in a fresh lazy world, in
``tests/simulator/test_lazy.py``.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from . import assemble, schema
from .seeding import stream
from .world import LazyTables, Truth, World

SHARED = ("shops", "products", "agents", "campaigns")  # world-level tables (from the context)
DQ_TABLES = {("observed", "customers"), ("observed", "orders"), ("truth", "customers")}  # changed by the dq layer


class LazyBuild:
    """The steps of one world's generation, each run once when a table first needs it.

    Parameters
    ----------
    config : SimConfig
        The world's parameters (as :func:`simulator.config.make_config` validates them).
    """

    def __init__(self, config):
        self.config = config
        self._joined: dict[str, pd.DataFrame] = {}
        self._rendered: dict[tuple[str, str], pd.DataFrame] = {}

    @cached_property
    def ctx(self):
        """Shops, catalogue, agents, campaign schedule and identity pools (``engine.build_context``)."""
        from . import engine

        return engine.build_context(self.config)

    @cached_property
    def blocks(self) -> list:
        """One :class:`~simulator.blocks.BlockParts` per customer block; nothing is drawn until asked."""
        from . import engine
        from .blocks import BlockParts

        return [BlockParts(self.ctx, *job) for job in engine.block_jobs(self.config.n_customers)]

    def _rows_before(self, table: str, block: int) -> int:
        """Rows that blocks before ``block`` give ``table`` (the offset of its block-local ids)."""
        return sum(len(b.frame(f"observed:{table}")) for b in self.blocks[:block])

    def joined(self, key: str) -> pd.DataFrame:
        """Frame ``key`` of every block, as ``engine.simulate`` joins it (kept; never modified afterwards)."""
        if key not in self._joined:
            parts = []
            for b, block in enumerate(self.blocks):
                df = assemble.to_arrow_strings(block.frame(key))
                owners = {assemble.LOCAL_IDS[c] for c in df.columns if c in assemble.LOCAL_IDS}
                assemble.shift_local_ids(df, {t: self._rows_before(t, b) for t in owners})
                parts.append(df)
            self._joined[key] = pd.concat(parts, ignore_index=True)
        return self._joined[key]

    @cached_property
    def calls(self) -> pd.DataFrame:
        """Every call through the world-wide queue (waits, abandonment, agents)."""
        from . import callcentre

        return callcentre.queue_calls(self.joined("observed:calls"), self.ctx.agents,
                                      rng=stream(self.config.seed, "queue"))

    @cached_property
    def campaigns(self) -> pd.DataFrame:
        """The schedule with actual cost and budget, from every block's contacts and redeemed orders."""
        from . import engine

        counts = engine.campaign_counts(self.joined("observed:campaign_contacts"), self.joined("observed:orders"),
                                        len(self.ctx.campaigns))
        return engine.costed_campaigns(self.ctx.campaigns, *counts)

    @cached_property
    def erp(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(erp_invoices, truth erp_issues)`` from every block's opportunities (``erp.make_erp``)."""
        from . import erp

        return erp.make_erp(opportunities=self.rendered("observed", "opportunities"),
                            shops=self.rendered("observed", "shops"), end=self.config.end,
                            rng=stream(self.config.seed, "erp"))

    @cached_property
    def activities(self) -> pd.DataFrame:
        """Sales activities from every block's leads and opportunities (``activities.make_activities``)."""
        from . import activities

        return activities.make_activities(leads=self.rendered("observed", "leads"),
                                          opportunities=self.rendered("observed", "opportunities"),
                                          shops=self.rendered("observed", "shops"), pools=self.ctx.pools,
                                          end=self.config.end, rng=stream(self.config.seed, "activities"))

    def raw(self, kind: str, name: str) -> pd.DataFrame:
        """Table ``name`` of ``kind`` ("observed" or "truth") before id rendering, as ``engine._joined`` has it."""
        if kind == "observed":
            if name == "campaigns":
                return self.campaigns
            if name == "erp_invoices":
                return self.erp[0]
            if name == "activities":
                return self.activities
            if name == "calls":
                return self.calls
            return getattr(self.ctx, name) if name in SHARED else self.joined(f"observed:{name}")
        if name == "campaign_effects":
            from . import campaigns as camp

            return camp.effects(self.joined("observed:campaign_contacts"), self.campaigns)
        if name == "kano_features":
            from . import voice

            return voice.kano_features_truth()
        if name == "erp_issues":
            return self.erp[1]
        df = self.joined(f"truth:{name}")
        return df.assign(person_id=df["customer_id"]) if name == "customers" else df

    def rendered(self, kind: str, name: str) -> pd.DataFrame:
        """:meth:`raw` with string ids (a copy: the raw frames stay as other tables need them)."""
        if (kind, name) not in self._rendered:
            self._rendered[kind, name] = assemble.render_ids(self.raw(kind, name))
        return self._rendered[kind, name]

    @cached_property
    def dirty(self) -> tuple[dict, dict]:
        """The data-quality layer over the tables it reads and changes: ``(observed, truth)`` dicts."""
        from . import quality

        observed = {n: self.rendered("observed", n) for n in ("shops", "customers", "orders")}
        return quality.apply_data_quality(observed, {"customers": self.rendered("truth", "customers")},
                                          rng=stream(self.config.seed, "quality"))

    def table(self, kind: str, name: str) -> pd.DataFrame:
        """The finished table, as ``simulate`` returns it: data-quality layer if asked, schema dtypes."""
        if self.config.data_quality and (kind, name) in DQ_TABLES:
            df = self.dirty[0 if kind == "observed" else 1][name]
        else:
            df = self.rendered(kind, name)
        return assemble.conform(df, (schema.OBSERVED if kind == "observed" else schema.TRUTH)[name])


def simulate_lazy(*, truth: bool = True, **kwargs) -> World:
    """The world of :func:`simulator.simulate`'s keywords, each table generated when first used.

    Parameters
    ----------
    truth : bool, default=True
        Attach the truth (its tables lazy too); ``False`` gives a student's world (``world.truth is None``).
    **kwargs
        ``n_customers``, ``n_shops``, ``start``, ``end``, ``mode``, ``locales``, ``data_quality``, ``seed``
        as for :func:`simulator.simulate` (validated now, so a bad value fails here, not at first use).

    Returns
    -------
    World
        ``world.orders`` … are DataFrames equal, and byte-identical once saved, to ``simulate``'s; they
        are generated when first looked up (``world.tables`` is a :class:`~simulator.world.LazyTables`).
    """
    from .config import make_config

    build = LazyBuild(make_config(**kwargs))
    tables = LazyTables(schema.OBSERVED, lambda name: build.table("observed", name))
    if not truth:
        return World(tables=tables, truth=None)
    from .engine import world_params

    hidden = LazyTables(schema.TRUTH, lambda name: build.table("truth", name))
    return World(tables=tables, truth=Truth(tables=hidden, params=world_params(build.config)))
