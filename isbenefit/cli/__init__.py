"""The `isbenefit` command line: thin verbs over the API (see docs/architecture.md)."""

from isbenefit.cli.app import app

__all__ = ["app"]
