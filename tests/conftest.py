"""Shared fixtures: the synthetic model (always), the real survey model (once geodata exists)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from fixtures import DATA, GEODATA, real_geodata_ready
from fixtures.postgres import PostgresServer, start_postgres

from dashboard.data.loader import load_builtin_cached
from dashboard.data.model import CooperationModel
from dashboard.views.datasets import Dataset, prepare
from dashboard.views.map_base import MapBase

GEOJSON_URL = "/_geo/test.json"


@pytest.fixture(scope="session")
def fixture_model() -> CooperationModel:
    """Six surveyed municipalities, nine arrangements, tiny square boundaries."""
    return load_builtin_cached(DATA, GEODATA)


@pytest.fixture(scope="session")
def fixture_dataset(fixture_model: CooperationModel) -> Dataset:
    """The synthetic model as the app sees it (boundaries referenced by URL)."""
    return prepare(fixture_model, MapBase.from_boundaries(fixture_model.boundaries, geojson_url=GEOJSON_URL))


@pytest.fixture(scope="session")
def real_model() -> CooperationModel:
    """The NIVI 2021 survey with real boundaries; skipped until geodata/ is delivered."""
    if not real_geodata_ready():
        pytest.skip("geodata/ (registry and boundaries) is not built yet")
    return load_builtin_cached()


@pytest.fixture(scope="session")
def real_dataset(real_model: CooperationModel) -> Dataset:
    return prepare(real_model, MapBase.from_boundaries(real_model.boundaries, geojson_url=GEOJSON_URL))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the session (Debian's package, run as `postgres`)."""
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'registre.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database: each test that takes it runs on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registre.sqlite'}"
    return request.getfixturevalue("postgres").new_database()
