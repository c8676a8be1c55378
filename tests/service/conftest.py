"""Django for the service tests: configured once per process, on a temporary data
directory, with a fresh test database migrated by the shipped migrations.

The database is SQLite (a file, so the browser tests' server threads open their own
connections to it) unless ``ISBENEFIT_TEST_DB`` gives a URL (``postgresql://...``):
test_postgresql.py runs this whole suite again that way, on a throwaway server."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from isbenefit.service.settings import ServiceOptions, configure

DATA = Path(tempfile.mkdtemp(prefix="isbenefit-service-tests-"))
TEST_DB_ENV = "ISBENEFIT_TEST_DB"
configure(
    ServiceOptions(
        db_url=os.environ.get(TEST_DB_ENV) or None,
        data=DATA,
        jobs="inline",
        secure_cookies=True,
    )
)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# Certificates in tests carry a short Monte Carlo run (the CLI's default is 1000).
settings.ISBENEFIT_CERTIFICATE_ITERATIONS = 20
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nordic-cluster.xlsx"


@pytest.fixture(scope="session", autouse=True)
def django_test_database() -> Iterator[None]:
    setup_test_environment()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(DATA / "test.sqlite3")
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    yield
    connection.creation.destroy_test_db(name, verbosity=0)
