"""The `isbenefit` command line: thin verbs over the API (see docs/architecture.md)."""

import gc

# A verb's imports (pandas, weasyprint, ...) leave about 150,000 objects the collector
# tracks, which Python's default thresholds (700, 10, 10) scan in full three times: 0.1 s
# of a document call. Full collections a tenth as often; young ones as before (a run's data
# live in arrays the collector does not track).
gc.set_threshold(700, 10, 100)

from isbenefit.cli.app import app  # noqa: E402

__all__ = ["app"]
