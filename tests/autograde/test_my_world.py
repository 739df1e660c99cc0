"""``labs.data``: where the seed comes from, the one-line message, and a cache that is never stale and
never holds the truth."""

from __future__ import annotations

import json

import pytest

from labs import data


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for var in (data.ENV_SEED, data.ENV_STUDENT, data.ENV_CACHE, data.ENV_FINGERPRINT):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_environment_seed_wins_over_seed_file(clean_env, monkeypatch):
    (clean_env / data.SEED_FILE).write_text(json.dumps({"student_id": "f", "seed": 5, "course": "crmlab"}))
    monkeypatch.setenv(data.ENV_SEED, "42")
    monkeypatch.setenv(data.ENV_STUDENT, "hub-user")
    ident = data.resolve_identity()
    assert (ident.seed, ident.student_id, ident.source) == (42, "hub-user", "CRMLAB_SEED")
    assert data.resolve_identity(seed=7).seed == 7


def test_seed_file_found_in_a_parent_then_home(clean_env):
    nested = clean_env / "course" / "01_x"
    nested.mkdir(parents=True)
    home = clean_env / "home" / ".crmlab"
    home.mkdir(parents=True)
    (home / data.SEED_FILE).write_text(json.dumps({"student_id": "h", "seed": 9}))
    assert data.resolve_identity(start=nested).student_id == "h"
    (clean_env / "course" / data.SEED_FILE).write_text(json.dumps({"student_id": "s1", "seed": 123}))
    ident = data.resolve_identity(start=nested)
    assert (ident.seed, ident.student_id) == (123, "s1")
    assert "s1" in data.describe(ident) and "123" in data.describe(ident)


def test_self_learner_gets_public_seed_and_instructions(clean_env):
    ident = data.resolve_identity(start=clean_env)
    assert ident.seed == data.SELF_STUDY_SEED and ident.student_id is None
    line = data.describe(ident)
    assert "CRMLAB_SEED" in line and "my_world(seed=" in line and "\n" not in line


@pytest.mark.parametrize("bad", ["abc", "-1", str(2**63)])
def test_bad_seed_is_one_line_error(clean_env, monkeypatch, bad):
    monkeypatch.setenv(data.ENV_SEED, bad)
    with pytest.raises(data.SeedError, match="CRMLAB_SEED"):
        data.resolve_identity()


def test_cache_reused_keyed_and_without_truth(clean_env, monkeypatch, fake_factory):
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
    monkeypatch.setattr(data, "FINGERPRINT_PACKAGES", data.FINGERPRINT_PACKAGES + ("scipy",))
    try:
        assert data.world_dir(seed=3, root=root) != before  # another package set: a fresh cache folder
    finally:
        data.simulator_fingerprint.cache_clear()


def test_my_world_prints_one_line_and_uses_cache(clean_env, monkeypatch, capsys, fake_factory):
    root = clean_env / "cache"
    data.ensure_world(seed=11, root=root, factory=fake_factory)
    monkeypatch.setenv(data.ENV_CACHE, str(root))
    monkeypatch.setenv(data.ENV_SEED, "11")
    monkeypatch.setenv(data.ENV_STUDENT, "s9")
    world = data.my_world()
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "s9" in out[0] and "11" in out[0]
    assert world.truth is None
    assert world.orders.equals(fake_factory(11, False).orders)


def test_grading_kernel_never_simulates(clean_env, monkeypatch, fake_factory):
    root = clean_env / "cache"
    data.ensure_world(seed=11, root=root, factory=fake_factory)
    monkeypatch.setenv(data.ENV_CACHE, str(root))
    monkeypatch.setenv(data.ENV_FINGERPRINT, data.simulator_fingerprint())
    monkeypatch.setenv(data.ENV_SEED, "11")
    assert data.my_world(verbose=False).orders.equals(fake_factory(11, False).orders)
    with pytest.raises(data.SeedError, match="pre-generated"):
        data.my_world(data_quality=True, verbose=False)
    monkeypatch.setenv(data.ENV_FINGERPRINT, "0123456789ab")  # another run's worlds: not these
    with pytest.raises(data.SeedError, match="pre-generated"):
        data.my_world(verbose=False)
