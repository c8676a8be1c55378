"""The shipped migrations are those of the models: a change to a model (or a split of the
models' module) that needs a new migration fails here, not on a deployed database."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_the_models_need_no_migration_beyond_the_shipped_ones() -> None:
    said = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=said)  # exit 1 otherwise
    assert said.getvalue().strip() == "No changes detected"
