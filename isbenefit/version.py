"""isbenefit's version, printed by `--version` and written into every result."""

__version__ = "0.1.0"
