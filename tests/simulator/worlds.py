"""Shared worlds for the simulator tests (imported by the test modules that use them).

Not a conftest.py: a second module named ``conftest`` would shadow ``tests/conftest.py`` for tests that
import from it.
"""

import pytest
from crmlab import simulator


@pytest.fixture(scope="session", name="world")
def world_fixture():
    """The default world (10k customers, 6 shops, 2 years), seed 7."""
    return simulator.simulate(seed=7)


@pytest.fixture(scope="session", name="dq_world")
def dq_world_fixture():
    """A smaller world with the data-quality layer on."""
    return simulator.simulate(n_customers=4000, seed=11, data_quality=True)
