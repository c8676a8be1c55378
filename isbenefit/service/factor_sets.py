"""The factor sets a year may be closed with: the shipped one and those the operator
configured (``serve --factors-dir DIR``, repeatable, or ``$ISBENEFIT_FACTOR_SETS``, folders
separated by the system's path separator). The year-close form offers them by name; no
user types a folder of the server."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

FACTOR_SETS_ENV = "ISBENEFIT_FACTOR_SETS"
# The form's choice for the cluster's own factor set (whatever it was imported with).
CLUSTERS_OWN = ""


def configured(folders: tuple[str, ...] = ()) -> list[str]:
    """The configured folders, resolved: ``folders`` and the environment's, no repeats."""
    given = [*folders, *os.environ.get(FACTOR_SETS_ENV, "").split(os.pathsep)]
    found: list[str] = []
    for folder in filter(None, (text.strip() for text in given)):
        path = str(Path(folder).expanduser().resolve())
        if path not in found:
            found.append(path)
    return found


def choices() -> list[tuple[str, str]]:
    """(key, label) of each offered set: the shipped one, then the configured ones; the
    key is the set's id and version, the label adds its folder's name (never its path)."""
    from isbenefit.service import store

    offered = [("shipped", "")] + [(Path(path).name, path) for path in _folders()]
    found = []
    for name, path in offered:
        factor_set = store.factor_source(path).factor_set()
        key = f"{factor_set.id} {factor_set.version}"
        found.append((key, f"{key} ({name})"))
    return found


def folder_of(key: str) -> str | None:
    """The folder behind a key of :func:`choices` ("" for the shipped set); None for the
    cluster's own set."""
    from isbenefit.service import store

    if key == CLUSTERS_OWN:
        return None
    for path in ["", *_folders()]:
        factor_set = store.factor_source(path).factor_set()
        if key == f"{factor_set.id} {factor_set.version}":
            return path
    raise KeyError(key)


def _folders() -> list[str]:
    return list(getattr(settings, "ISBENEFIT_FACTOR_SETS", []))
