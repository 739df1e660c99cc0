"""``labs.data.my_world``: a class student's handed-out folder (no seed anywhere, checked against its
manifest, never simulated), the order of sources, and the self-study edition's seed and cache."""

from __future__ import annotations

import json
import shutil

import pytest
from crmlab.autograde import layout as names
from crmlab.autograde.layout import CourseLayout
from crmlab.labs import data

KEY = "test-course-key-my-world"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for var in (names.ENV_DATA, names.ENV_SEED, names.ENV_CACHE):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def hand_out(root, student_id: str, factory):
    """A course folder at ``root`` with one enrolled student and their handout; returns (folder, seed)."""
    from crmlab.autograde.prepare import ensure_student_worlds
    from crmlab.autograde.roster import private_dir, write_private
    from crmlab.simulator.seeding import student_seed

    lay = CourseLayout(root)
    private_dir(root)
    write_private(lay.key_file, KEY + "\n")
    seed = student_seed(KEY, student_id)
    write_private(lay.seeds_file, f"student_id,seed\n{student_id},{seed}\n")
    ensure_student_worlds(root, student_id, data_quality=True, factory=factory)
    return lay.handout(student_id), seed


def assert_no_seed(folder, seed: int) -> None:
    """The seed's decimal string occurs in no file's bytes and no file or folder name under ``folder``."""
    text = str(seed).encode()
    for path in [folder, *folder.rglob("*")]:
        assert str(seed) not in path.name
        if path.is_file():
            assert text not in path.read_bytes(), path


def test_handed_out_folder_loads_without_any_seed(clean_env, monkeypatch, capsys, fake_factory):
    folder, seed = hand_out(clean_env / "course", "s042", fake_factory)
    kept = CourseLayout(clean_env / "course").world("s042") / "truth" / "params.json"
    assert str(seed) in kept.read_text()  # the grader's copy has it: the check below means something
    assert_no_seed(folder, seed)
    manifest = json.loads((folder / data.MANIFEST).read_text())
    assert set(manifest) == {"student_id", "course", "files"} and manifest["student_id"] == "s042"
    assert sorted({k.split("/")[0] for k in manifest["files"]}) == ["clean", "dq"]
    monkeypatch.setenv(names.ENV_DATA, str(folder))
    world = data.my_world()
    dq = data.my_world(data_quality=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and all("s042" in line and str(seed) not in line for line in lines)
    assert world.truth is None and dq.truth is None
    assert world.orders.equals(fake_factory(seed, False).orders)
    assert dq.orders.equals(fake_factory(seed, True).orders)
    assert not (clean_env / "home" / ".cache").exists(), "a class student's kernel never simulates or caches"


def test_real_simulator_handout_holds_no_seed(clean_env):
    folder, seed = hand_out(clean_env / "course", "s001", None)
    assert_no_seed(folder, seed)
    assert not any(p.name == "truth" for p in folder.rglob("*"))


def test_where_the_folder_is_found(clean_env, monkeypatch, fake_factory):
    folder, _ = hand_out(clean_env / "course", "s1", fake_factory)
    nested = clean_env / "work" / "course" / "01_x"
    nested.mkdir(parents=True)
    monkeypatch.setenv(names.ENV_SEED, "77")  # self-study only: a handed-out folder wins over it
    assert data.resolve_source(start=nested).seed == 77
    home = clean_env / "home" / ".crmlab"
    home.mkdir(parents=True)
    shutil.copytree(folder, home / names.DATA_FOLDER)
    assert data.resolve_source(start=nested).folder == home / names.DATA_FOLDER
    shutil.copytree(folder, clean_env / "work" / names.DATA_FOLDER)
    assert data.resolve_source(start=nested).folder == clean_env / "work" / names.DATA_FOLDER
    monkeypatch.setenv(names.ENV_DATA, str(folder.parent))  # the folder holding crmlab-data/ will do
    src = data.resolve_source(start=nested)
    assert (src.folder, src.origin) == (folder, names.ENV_DATA)
    assert data.resolve_source(seed=5, start=nested).seed == 5  # an explicit seed: self-study, always


@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "clean" / "orders.parquet").write_bytes(b"PAR1 not really"), "clean/orders.parquet was changed"),
    (lambda f: (f / "clean" / "customers.parquet").unlink(), "clean/customers.parquet is missing"),
    (lambda f: shutil.copyfile(f / "clean" / "orders.parquet", f / "clean" / "tickets.parquet"),
     "clean/tickets.parquet was not handed out"),
    (lambda f: (f / data.MANIFEST).write_text("{"), "cannot read"),
])
def test_damaged_folder_is_a_one_line_error(clean_env, monkeypatch, fake_factory, damage, message):
    folder, _ = hand_out(clean_env / "course", "s1", fake_factory)
    student = clean_env / "work" / names.DATA_FOLDER
    shutil.copytree(folder, student)
    damage(student)
    with pytest.raises(data.DataError, match=message) as err:  # at the call, or when the table is first read
        world = data.my_world(verbose=False)
        [getattr(world, name) for name in world.tables]
    assert "\n" not in str(err.value) and isinstance(err.value, data.SeedError)


def test_changed_file_refused_when_first_read(clean_env, fake_factory):
    folder, seed = hand_out(clean_env / "course", "s1", fake_factory)
    student = clean_env / "work" / names.DATA_FOLDER
    shutil.copytree(folder, student)
    orders = student / "clean" / "orders.parquet"
    orders.write_bytes(orders.read_bytes()[:-8] + b"PAR1PAR1")  # same size, other bytes
    world = data.my_world(verbose=False)  # presence checked now, each file's SHA-256 when it is read
    assert world.tables.loaded() == [] and "customers=" in repr(world)  # counts from the footers
    assert world.customers.equals(fake_factory(seed, False).customers)
    for _ in range(2):  # refused every time, never kept
        with pytest.raises(data.DataError, match=r"clean/orders\.parquet was changed since it was handed out"):
            _ = world.orders
    with pytest.raises(data.DataError, match=r"clean/orders\.parquet was changed"):
        data.check_data(student)  # the grader's full check reads every file at once


def test_self_study_world_made_table_by_table_and_cached(clean_env, monkeypatch):
    from crmlab import simulator

    monkeypatch.setenv(names.ENV_CACHE, str(clean_env / "cache"))
    world = data.my_world(seed=5, verbose=False)
    folder = data.world_dir(seed=5)
    assert world.truth is None and world.tables.loaded() == [] and not folder.exists()
    assert "orders," in repr(world) and "made when first used" in repr(world)
    full = simulator.simulate(seed=5)
    assert world.orders.equals(full.orders) and world.tables.loaded() == ["orders"]
    assert sorted(p.name for p in folder.iterdir()) == [data.LAZY_MARK, "orders.parquet"]
    again = data.my_world(seed=5, verbose=False)  # a new kernel: the cached table, its count from the footer
    assert f"orders={len(full.orders):,}" in repr(again) and again.tables.loaded() == []
    assert again.orders.equals(full.orders) and again.customers.equals(full.customers)
    assert "customers.parquet" in {p.name for p in folder.iterdir()}
    (folder / "orders.parquet").write_bytes(b"not parquet")  # a damaged cache file is made again
    assert data.my_world(seed=5, verbose=False).orders.equals(full.orders)


def test_missing_data_quality_variant(clean_env, monkeypatch, fake_factory):
    folder, seed = hand_out(clean_env / "course", "s1", fake_factory)
    student = clean_env / "work" / names.DATA_FOLDER
    shutil.copytree(folder, student)
    shutil.rmtree(student / "dq")
    assert data.my_world(verbose=False).orders.equals(fake_factory(seed, False).orders)
    with pytest.raises(data.DataError, match=r"dq/.* is missing"):
        data.my_world(data_quality=True, verbose=False)
    manifest = json.loads((student / data.MANIFEST).read_text())
    manifest["files"] = {k: v for k, v in manifest["files"].items() if k.startswith("clean/")}
    (student / data.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(data.DataError, match="holds no dq/ tables"):
        data.my_world(data_quality=True, verbose=False)


def test_data_env_naming_no_folder(clean_env, monkeypatch):
    monkeypatch.setenv(names.ENV_DATA, str(clean_env / "nowhere"))
    with pytest.raises(data.DataError, match=r"CRMLAB_DATA=.*no such folder"):
        data.my_world()


def test_self_learner_gets_public_seed_and_instructions(clean_env):
    src = data.resolve_source()
    assert src.seed == data.SELF_STUDY_SEED and src.folder is None
    line = data.describe(src)
    assert "CRMLAB_SEED" in line and "my_world(seed=" in line and "\n" not in line


@pytest.mark.parametrize("bad", ["abc", "-1", str(2**63)])
def test_bad_seed_is_one_line_error(clean_env, monkeypatch, bad):
    monkeypatch.setenv(names.ENV_SEED, bad)
    with pytest.raises(data.SeedError, match="CRMLAB_SEED"):
        data.resolve_source()


def test_self_study_cache_reused_keyed_and_without_truth(clean_env, monkeypatch, fake_factory):
    calls = []

    def counting(seed, dq):
        calls.append((seed, dq))
        return fake_factory(seed, dq)

    root = clean_env / "cache"
    w1 = data.ensure_world(seed=3, root=root, factory=counting)
    w2 = data.ensure_world(seed=3, root=root, factory=counting)
    assert calls == [(3, False)]
    assert w1.truth is None and w2.truth is None
    assert not (data.world_dir(seed=3, root=root) / "truth").exists()
    assert w1.orders.equals(w2.orders)
    data.ensure_world(seed=3, data_quality=True, root=root, factory=counting)
    assert calls[-1] == (3, True)
    before = data.world_dir(seed=3, root=root)
    assert before.name.endswith(data.simulator_fingerprint())
    data.simulator_fingerprint.cache_clear()
    monkeypatch.setattr(data, "FINGERPRINT_PACKAGES", (*data.FINGERPRINT_PACKAGES, "scipy"))
    try:
        assert data.world_dir(seed=3, root=root) != before  # another package set: a fresh cache folder
    finally:
        data.simulator_fingerprint.cache_clear()


def test_self_study_my_world_prints_one_line_and_uses_cache(clean_env, monkeypatch, capsys, fake_factory):
    root = clean_env / "cache"
    data.ensure_world(seed=11, root=root, factory=fake_factory)
    monkeypatch.setenv(names.ENV_CACHE, str(root))
    monkeypatch.setenv(names.ENV_SEED, "11")
    world = data.my_world()
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "11" in out[0] and "CRMLAB_SEED" in out[0]
    assert world.truth is None
    assert world.orders.equals(fake_factory(11, False).orders)
