"""The `isbenefit` command line: thin verbs over the API (see docs/architecture.md)."""

import gc

# A verb's start-up creates about a million objects (importing pandas, weasyprint, ...),
# which Python's default thresholds (700, 10, 10) scan in full three times: 0.1 s of a
# document call. Full collections a tenth as often; young ones as before (a run's data
# live in arrays the collector does not track).
gc.set_threshold(700, 10, 100)

from isbenefit.cli.app import app  # noqa: E402

__all__ = ["app"]
