"""Loaded by a subprocess of tests/cli/test_faults.py: injects the fault ISBENEFIT_TEST_FAULT
names (tests/faults_helpers.py). Never on the path of isbenefit itself."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.faults_helpers import install_from_env

install_from_env()
del sys.path[0]
