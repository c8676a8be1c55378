"""The command started as the console script and `python -m isbenefit` start it
(cli/start.py), in a fresh process: its exit code, every module it loaded and what it
printed. Read by tests/cli/test_start.py and tests/certify/test_verify_imports.py."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import NamedTuple

# The other verbs' modules, which `verify` does not load: it starts on an app of its own.
OTHER_VERBS = (
    "isbenefit.cli.app",
    "isbenefit.cli.documents",
    "isbenefit.cli.batches",
    "isbenefit.cli.document_options",
    "isbenefit.cli.service",
)
# Runs the console entry point on the rest of argv, then prints the exit code and the
# loaded modules as the last line of stdout.
START = """
import json, sys
sys.argv = ["isbenefit", *sys.argv[1:]]
from isbenefit.cli import main
try:
    main()
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


class Started(NamedTuple):
    code: int
    modules: list[str]
    stdout: str
    stderr: str


def started(*args: str) -> Started:
    """The command line ``isbenefit *args`` run in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", START, *args], capture_output=True, text=True, check=False
    )
    report = json.loads(done.stdout.splitlines()[-1])
    return Started(report["code"], report["modules"], done.stdout, done.stderr)
