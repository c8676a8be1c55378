"""`python -m isbenefit` runs the command line."""

from isbenefit.cli import main

main()
