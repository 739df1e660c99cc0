"""Shared worlds for the simulator tests (generated once per session)."""

import pytest

import simulator


@pytest.fixture(scope="session")
def world():
    """The default world (10k customers, 6 shops, 2 years), seed 7."""
    return simulator.simulate(seed=7)


@pytest.fixture(scope="session")
def dq_world():
    """A smaller world with the data-quality layer on."""
    return simulator.simulate(n_customers=4000, seed=11, data_quality=True)
