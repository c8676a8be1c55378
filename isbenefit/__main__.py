"""`python -m isbenefit` runs the command line."""

from isbenefit.cli import app

app()
