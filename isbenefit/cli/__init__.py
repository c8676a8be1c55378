"""The `isbenefit` command line: thin verbs over the API (see docs/architecture.md).

`main` starts it (the console script and `python -m isbenefit`; cli/start.py). The whole
Typer app is `isbenefit.cli.app.app`; it is imported on first use, not with this package,
so that `isbenefit verify` starts without every other verb's imports.
"""

import gc
from typing import Any

# A verb's imports (pandas, weasyprint, ...) leave about 150,000 objects the collector
# tracks, which Python's default thresholds (700, 10, 10) scan in full three times: 0.1 s
# of a document call. Full collections a tenth as often; young ones as before (a run's data
# live in arrays the collector does not track).
gc.set_threshold(700, 10, 100)

from isbenefit.cli.start import main  # noqa: E402

__all__ = ["main"]


def __getattr__(name: str) -> Any:
    # Console scripts installed before `main` was the entry point call `isbenefit.cli.app`.
    if name == "app":
        from isbenefit.cli.app import app

        return app
    raise AttributeError(f"module 'isbenefit.cli' has no attribute {name!r}")
