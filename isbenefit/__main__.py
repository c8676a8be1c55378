"""`python -m isbenefit` runs the command line."""

from isbenefit.cli.app import app

app()
