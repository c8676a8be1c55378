"""Pure arithmetic: checked arrays and per-unit scores in, arrays out (no I/O, no pandas)."""
