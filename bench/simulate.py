"""Simulator benchmark: figures are measured in this run and reported as ratios against a baseline
measured in the same run (per-row Faker identities plus a naive per-customer order loop).

    python bench/simulate.py            # default world, 100k and 1M customers, baseline on 10k
    python bench/simulate.py --quick    # default world and 100k only (a few minutes less)

The default world is timed both ways: in memory (``simulate`` + ``World.save``) and streamed
(``simulate_to``, the same bytes); 100k and 1M customers are streamed, as ``crmlab simulate`` does.
Each run is a fresh subprocess so its peak memory (max RSS) is its own; the workers' figure is the largest
worker's max RSS. After each streamed world the same tables are written again from memory, with zstd and
uncompressed: the CPU seconds of Parquet writing alone, a floor under any end-to-end figure.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_world(n_customers: int, workers: int) -> dict:
    """Simulate and save one world in this process; return timings and sizes."""
    sys.path.insert(0, str(ROOT))
    from crmlab import simulator
    t0 = time.perf_counter()
    world = simulator.simulate(n_customers=n_customers, seed=2024, workers=workers)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        world.save(Path(tmp) / "w")
    t2 = time.perf_counter()
    return {"n_customers": n_customers, "orders": len(world.orders), "rows": sum(len(t) for t in world.tables.values()),
            "simulate_s": t1 - t0, "save_s": t2 - t1, "total_s": t2 - t0,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run_stream(n_customers: int, workers: int, floor: bool = False) -> dict:
    """Stream one world to Parquet in this process (``simulate_to``); return timings, sizes and peaks, and
    with ``floor`` the CPU seconds of writing its tables again (:func:`encode_floor`)."""
    sys.path.insert(0, str(ROOT))
    import pyarrow.parquet as pq
    from crmlab import simulator
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = simulator.simulate_to(Path(tmp) / "w", n_customers=n_customers, seed=2024, workers=workers)
        t1 = time.perf_counter()
        rows = {f.stem: pq.ParquetFile(f).metadata.num_rows for f in path.glob("*.parquet")}
        peaks = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
        floor = encode_floor(path) if floor else {}
    return {"n_customers": n_customers, "orders": rows["orders"], "rows": sum(rows.values()),
            "total_s": t1 - t0, "peak_mb": peaks[0], "worker_peak_mb": peaks[1], "floor": floor}


def encode_floor(path: Path) -> dict:
    """CPU seconds to write a saved world's observed tables again from Arrow tables already in memory,
    one table at a time, with the simulator's writer options (row groups, per-column dictionary encoding):
    once with the world's zstd and once uncompressed (CPU s, and the files' total size in MB). No generation
    can make a world faster than this."""
    import pyarrow.parquet as pq
    from crmlab.simulator import tablefile

    tables = [pq.read_table(f) for f in sorted(path.glob("*.parquet"))]
    out = {}
    for codec in ("zstd", "none"):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.process_time()
            for i, table in enumerate(tables):
                pq.write_table(table, Path(tmp) / f"{i}.parquet", row_group_size=tablefile.ROW_GROUP_ROWS,
                               use_dictionary=tablefile.dictionary_columns(table.schema),
                               **dict(tablefile.PARQUET_OPTIONS, compression=codec))
            out[codec] = time.process_time() - t0
            out[f"{codec}_mb"] = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 1e6
    return out


def baseline(n_customers: int) -> dict:
    """The same customers rendered the naive way: per-row Faker in each customer's own locale, then a
    Python loop per customer drawing each of its orders (same counts as the simulated world), to Parquet."""
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import pandas as pd
    from crmlab import simulator
    from faker import Faker
    world = simulator.simulate(n_customers=n_customers, seed=2024)
    locales = world.customers["locale"].to_numpy()
    n_orders = world.orders.groupby("customer_id").size().reindex(world.customers["customer_id"], fill_value=0)
    fakes = {}
    for loc in sorted(set(locales)):
        fakes[loc] = Faker(loc)
        fakes[loc].seed_instance(2024)
    rnd = random.Random(2024)
    t0 = time.perf_counter()
    customers, orders = [], []
    identity_s = 0.0
    for i, (loc, k) in enumerate(zip(locales, n_orders.to_numpy(), strict=True)):
        fake = fakes[loc]
        ti = time.perf_counter()
        customers.append({"customer_id": i, "name": fake.name(), "address": fake.address(),
                          "email": fake.email(), "phone": fake.phone_number(), "locale": loc})
        identity_s += time.perf_counter() - ti
        t = rnd.uniform(0, 104.0)
        for _ in range(int(k)):
            orders.append({"order_id": len(orders), "customer_id": i, "week": t, "status": rnd.choice("ddddc"),
                           "product": rnd.randrange(720), "qty": 1 + int(rnd.expovariate(3.0)),
                           "amount": round(rnd.lognormvariate(4.5, 0.8), 2)})
            t += rnd.expovariate(0.1)
    with tempfile.TemporaryDirectory() as tmp:
        pd.DataFrame(customers).to_parquet(Path(tmp) / "c.parquet")
        pd.DataFrame(orders).to_parquet(Path(tmp) / "o.parquet")
    total = time.perf_counter() - t0
    from crmlab.simulator import identities
    t1 = time.perf_counter()
    identities.render_customers(customer_id=world.customers.index.to_numpy(dtype=np.int64), locale=locales,
                                is_b2b=(world.customers["customer_type"] == "B2B").to_numpy(),
                                pools=identities.build_pools(sorted(set(locales))), rng=np.random.default_rng(1))
    return {"n_customers": n_customers, "orders": len(orders), "total_s": total, "identity_s": identity_s,
            "vector_identity_s": time.perf_counter() - t1}


def in_subprocess(kind: str, n: int, workers: int = 1, floor: bool = False) -> dict:
    args = {"run_world": f"{n}, {workers}", "run_stream": f"{n}, {workers}, {floor}"}.get(kind, f"{n}")
    code = (f"import sys, json; sys.path.insert(0, {str(ROOT / 'bench')!r}); import simulate as b; "
            f"print(json.dumps(b.{kind}({args})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="skip the 1M-customer world")
    ap.add_argument("--repeats", type=int, default=3, help="runs of the default world (median reported)")
    args = ap.parse_args()

    base = in_subprocess("baseline", 10_000)
    base_per_cust = base["total_s"] / base["n_customers"]
    print(f"baseline (per-row Faker in each customer's locale + per-customer order loop, same customers and "
          f"order counts as the default world, 2 of its 14 tables), 10k customers: {base['total_s']:.2f} s "
          f"({base['orders']:,} orders)")
    print(f"  of which per-row Faker identities {base['identity_s']:.2f} s; the simulator renders the same "
          f"customers' identities (name, e-mail, phone, place, company) in {base['vector_identity_s']:.3f} s "
          f"= {base['identity_s'] / base['vector_identity_s']:.0f}x faster (pools from data/pools.json)")
    runs = [in_subprocess("run_world", 10_000, 1) for _ in range(args.repeats)]
    med = statistics.median(r["total_s"] for r in runs)
    d = runs[0]
    print(f"default world (10k customers, 2 years, 1 worker): median {med:.2f} s of {args.repeats} "
          f"(simulate {d['simulate_s']:.2f} s + Parquet {d['save_s']:.2f} s), {d['orders']:,} orders, "
          f"{d['rows']:,} rows in all tables, peak {d['peak_mb']:.0f} MB")
    print(f"  vs baseline per customer: {base_per_cust / (med / 10_000):.0f}x faster")
    streams = [in_subprocess("run_stream", 10_000, 1) for _ in range(args.repeats)]
    print(f"default world streamed (simulate_to, same bytes): median "
          f"{statistics.median(r['total_s'] for r in streams):.2f} s of {args.repeats}, "
          f"peak {streams[0]['peak_mb']:.0f} MB")
    sizes = [100_000] if args.quick else [100_000, 1_000_000]
    for n in sizes:
        r = in_subprocess("run_stream", n, 2, floor=True)
        rate = r["orders"] / r["total_s"]
        print(f"{n:,} customers, 2 workers, streamed: {r['total_s']:.1f} s end to end incl. Parquet, "
              f"{r['orders']:,} orders "
              f"= {rate / 1e6:.2f}M order rows/s ({r['rows'] / r['total_s'] / 1e6:.2f}M rows/s all tables), "
              f"peak {r['peak_mb'] / 1024:.2f} GB main + {r['worker_peak_mb'] / 1024:.2f} GB per worker; "
              f"vs baseline per customer: "
              f"{base_per_cust / (r['total_s'] / n):.0f}x faster")
        target = r["orders"] / 1e6
        fl = r["floor"]
        print(f"  Parquet writing alone, the same tables from memory: {fl['zstd']:.1f} CPU s with zstd "
              f"({r['rows'] / fl['zstd'] / 1e6:.1f}M rows/s per core, {fl['zstd_mb']:.0f} MB), "
              f"{fl['none']:.1f} CPU s uncompressed ({fl['none_mb']:.0f} MB); "
              f"1M order rows/s would need the whole world in {target:.2f} s = {2 * target:.1f} CPU s on 2 cores")


if __name__ == "__main__":
    main()
