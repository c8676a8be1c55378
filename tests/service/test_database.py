"""The suite runs on the database it was asked for (test_postgresql.py relies on it)."""

from __future__ import annotations

import os

from django.db import connection
from django.test import TestCase

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
