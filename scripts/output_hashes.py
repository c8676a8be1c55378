"""Hash every output of the shipped example, to prove a refactoring changed no byte.

Run before and after a change and compare the two listings:

    SOURCE_DATE_EPOCH=1735689600 .venv/bin/python scripts/output_hashes.py > before.txt
    ... change ...
    SOURCE_DATE_EPOCH=1735689600 .venv/bin/python scripts/output_hashes.py > after.txt
    diff before.txt after.txt

Every verb that writes a file is run on `examples/nordic-cluster.xlsx` (and on the CSV
folder) in a fresh temporary folder: results JSON, CSVs, results workbook, template,
statement, certificate (signed with a key made from a fixed seed), report, batches,
VSME and ESRS outputs. Keys are the only random input; the signed certificate uses a
key written from a fixed 32-byte seed so that it too is reproducible.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
EXAMPLE_CSV = REPO / "examples" / "nordic-cluster"
ORG = "dk-kalvo-chp"
YEAR = "2024"


def run(*args: str, env: dict[str, str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "isbenefit", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(f"isbenefit {' '.join(args)} exited {completed.returncode}\n")
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(1)


def fixed_key(folder: Path) -> Path:
    """An issuer key pair and record as `keys new` writes them, from a fixed seed and date."""
    from datetime import date
    from unittest import mock

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from isbenefit.certify import signing

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    path = folder / "issuer.key"
    with mock.patch.object(signing.Ed25519PrivateKey, "generate", return_value=key):
        signing.new_key_pair(path, folder / "issuer.pub", "Output Hash Issuer", 3650,
                             today=date(2024, 1, 1))  # fmt: skip
    return path


def main() -> None:
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "1735689600")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        env["ISBENEFIT_DATA_DIR"] = str(out / "data")
        run("assess", str(EXAMPLE), "--json", str(out / "results.json"), env=env)
        run("assess", str(EXAMPLE_CSV), "--json", str(out / "results-csv.json"), env=env)
        run("assess", str(EXAMPLE), "--csv", str(out / "csv"), env=env)
        run("assess", str(EXAMPLE), "--xlsx", str(out / "results.xlsx"), env=env)
        run("assess", str(EXAMPLE), "--currency", "DKK", "--json", str(out / "dkk.json"), env=env)
        run("template", "-o", str(out / "template.xlsx"), env=env)
        run("statement", str(EXAMPLE), "--org", ORG, "--year", YEAR,
            "-o", str(out / "statement.pdf"), env=env)  # fmt: skip
        run("certificate", str(EXAMPLE), "--org", ORG, "--year", YEAR,
            "-o", str(out / "certificate.pdf"), env=env)  # fmt: skip
        run("report", str(EXAMPLE), "--year", YEAR, "-o", str(out / "report.pdf"), env=env)
        run("statements", str(EXAMPLE), "--year", YEAR, "-o", str(out / "statements"),
            "--jobs", "1", env=env)  # fmt: skip
        run("certificates", str(EXAMPLE), "--year", YEAR, "-o", str(out / "certificates"),
            "--jobs", "1", env=env)  # fmt: skip
        run("esrs", str(EXAMPLE), "--org", ORG, "--year", YEAR,
            "--json", str(out / "esrs.json"), env=env)  # fmt: skip
        run("vsme", str(EXAMPLE), "--org", ORG, "--year", YEAR,
            "-o", str(out / "vsme.xlsx"), env=env)  # fmt: skip
        key = fixed_key(out)
        run("certificate", str(EXAMPLE), "--org", ORG, "--year", YEAR, "--key", str(key),
            "-o", str(out / "signed.pdf"), env=env)  # fmt: skip
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            relative = path.relative_to(out)
            if relative.parts[0] == "data" or path.name.startswith("issuer."):
                continue
            sys.stdout.write(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {relative}\n")


if __name__ == "__main__":
    main()
