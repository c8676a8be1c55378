"""Where isbenefit finds its shipped files and keeps its data.

`factors/` and `templates/` sit at the top of the repository; a built wheel
carries them under `isbenefit/_shipped/`. Both layouts are looked up here.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_FACTOR_SET = "isbenefit-open"
DATA_DIR_ENV = "ISBENEFIT_DATA_DIR"


def _shipped(name: str) -> Path:
    installed = PACKAGE_DIR / "_shipped" / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


def factors_dir() -> Path:
    """Folder holding the shipped factor sets."""
    return _shipped("factors")


def templates_dir() -> Path:
    """Folder holding the jinja templates and their assets."""
    return _shipped("templates")


def default_factor_set() -> Path:
    return factors_dir() / DEFAULT_FACTOR_SET


def package_data(name: str) -> Path:
    """A file shipped inside the package itself (exchange rates, ...)."""
    return PACKAGE_DIR / "data" / name


def data_dir(override: Path | str | None = None) -> Path:
    """isbenefit's own data directory: the option, else $ISBENEFIT_DATA_DIR, else XDG."""
    if override is not None:
        return Path(override).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "isbenefit"
