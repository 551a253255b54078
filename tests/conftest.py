"""Shared fixtures: a fresh warehouse per test, one Prefect test harness per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from belmon.settings import PROJECT_ROOT

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture(scope="session")
def catalog():  # noqa: ANN201 - belmon.catalog is imported lazily
    from belmon.catalog import load_catalog

    return load_catalog(PROJECT_ROOT / "seeds")


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The reference texts (CI: ../shared/seeds); tests that need them skip without them."""
    value = os.environ.get("BELMON_SEED_DIR")
    path = Path(value) if value else PROJECT_ROOT.parent / "shared" / "seeds"
    if not path.is_dir():
        pytest.skip("reference documents not available: set BELMON_SEED_DIR")
    return path.resolve()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (starting one costs 10-20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"
