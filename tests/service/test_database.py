"""The suite runs on the database it was asked for (test_postgresql.py relies on it)."""

from __future__ import annotations

import os
from pathlib import Path

from django.db import connection
from django.test import TestCase

from isbenefit.service.settings import database
from tests.service.conftest import TEST_DB_ENV


class Database(TestCase):
    def test_the_database_is_the_one_asked_for(self) -> None:
        wanted = "postgresql" if os.environ.get(TEST_DB_ENV) else "sqlite"
        assert connection.vendor == wanted
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        if wanted == "sqlite":
            assert connection.settings_dict["NAME"].endswith("test.sqlite3")
        else:
            assert connection.settings_dict["NAME"].startswith("test_")
            # tests/service/postgres.py serves on a Unix socket only (no TCP port)
            assert connection.settings_dict["HOST"].startswith("/")


def test_a_postgresql_url_names_a_host_or_a_unix_socket_folder(tmp_path: Path) -> None:
    tcp = database("postgresql://u:p%40ss@db.example.org:5433/ledger", tmp_path)
    assert (tcp["HOST"], tcp["PORT"], tcp["USER"], tcp["PASSWORD"], tcp["NAME"]) == (
        "db.example.org",
        "5433",
        "u",
        "p@ss",
        "ledger",
    )
    socket = database("postgresql://postgres@/ledger?host=/run/postgresql", tmp_path)
    assert (socket["HOST"], socket["PORT"], socket["NAME"]) == ("/run/postgresql", "", "ledger")
