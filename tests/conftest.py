"""Shared fixtures: the local portal, archives on SQLite and PostgreSQL, and a CLI runner.

PostgreSQL tests use the server on 127.0.0.1:5432 (database `test`) with a fresh schema per
test run. Where it is unreachable they skip with the reason, except under CI=true, where an
unreachable PostgreSQL is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from crawler.portal import Portal

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("GONGKAI_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")


@pytest.fixture
def portal() -> Iterator[Portal]:
    """A fresh local portal (its content can be changed by the test)."""
    with Portal() as running:
        yield running


@pytest.fixture
def seeds_dir(portal: Portal, tmp_path: Path) -> Path:
    """Seed files for every portal site."""
    return portal.write_seeds(tmp_path / "seeds")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'archive.db'}"


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: no PostgreSQL here
        return f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped after the run."""
    reason = _pg_reachable()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
        pytest.skip(reason)
    schema = f"gk_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_ADMIN_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def pg_url(pg_schema_url: str) -> Iterator[str]:
    """A PostgreSQL archive URL, emptied after each test."""
    yield pg_schema_url
    engine = sa.create_engine(pg_schema_url)
    with engine.begin() as conn:
        tables = (
            conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
            .scalars()
            .all()
        )
        if tables:
            conn.execute(sa.text("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty archive URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    return str(request.getfixturevalue("pg_url"))


def run_gongkai(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the gongkai CLI in a child process (a crawl needs a fresh Twisted reactor)."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        check=False,
    )
