"""How fast `isbenefit verify` starts and checks (a benchmark that prints, not a test).

    .venv/bin/python bench/bench_verify.py [--repeat 5] [--pdf CERT.pdf --key ISSUER.pub]

Side by side in one run, each in a fresh process, ``--repeat`` times, interleaved:

- ``isbenefit verify`` of a signed certificate of the example (organisation
  dk-kalvo-chp, 2024, 1000 Monte Carlo iterations, signed with a key from a fixed
  seed): every check, the recomputation included (full);
- ``isbenefit verify`` of the same certificate made with a copy of the shipped factor set
  under another version, which this machine does not have: every check runs but the
  recomputation, which is skipped (exit code 8, "factor set unavailable"): the attachment,
  both signatures and the printed figures (signatures only);
- a pyHanko-only check of the first file: read it and validate its PDF signature, the
  least any check of a signed PDF does (the floor);
- ``isbenefit verify --help``.

Prints the median wall and CPU time (user + system of the child) of each and the ratios of
both verifies to the floor. Targets (issue 23): verify within 1.5x of the floor,
``--help`` under 0.3 s. Python writes its bytecode caches in the first (warming) run, as
an installed package has them, even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
PYHANKO_ONLY = """
import io, sys
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

data = open(sys.argv[1], "rb").read()
reader = PdfFileReader(io.BytesIO(data), strict=False)
context = ValidationContext(trust_roots=[], allow_fetching=False)
for signature in reader.embedded_signatures:
    status = validate_pdf_signature(signature, signer_validation_context=context)
    assert status.intact and status.valid, status
"""


def timed(command: list[str], env: dict[str, str], code: int = 0) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``command``: it must exit with
    ``code`` and, when it is isbenefit, print nothing on stderr (pyHanko alone warns and
    logs there)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != code or (done.stderr and "isbenefit" in command):
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def example_certificate(
    folder: Path, env: dict[str, str], factors: Path | None = None
) -> tuple[Path, Path]:
    """A signed certificate of the example (made with ``factors``, else the shipped set)
    and the issuer's public key."""
    sys.path.insert(0, str(REPO / "scripts"))
    from output_hashes import fixed_key

    key = folder / "issuer.key"
    if not key.exists():
        key = fixed_key(folder)
    pdf = folder / ("certificate.pdf" if factors is None else "certificate-other-set.pdf")
    subprocess.run(
        [sys.executable, "-m", "isbenefit", "certificate", str(EXAMPLE), "--org",
         "dk-kalvo-chp", "--year", "2024", "--key", str(key), "-o", str(pdf),
         *(["--factors", str(factors)] if factors else [])],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return pdf, key.with_suffix(".pub")


def other_factor_set(folder: Path) -> Path:
    """A copy of the shipped factor set under another version: not at hand when verifying."""
    copy = folder / "other-set"
    shutil.copytree(REPO / "factors" / "isbenefit-open", copy)
    toml = copy / "factorset.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('version = "', 'version = "bench-', 1), encoding="utf-8")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", type=Path, help="a signed certificate (default: the example's)")
    parser.add_argument("--key", type=Path, help="its issuer's public key, with --pdf")
    options = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1735689600"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("ISBENEFIT_DATA_DIR", str(Path(tmp) / "data"))
        if options.pdf:
            pdf, key = options.pdf, options.key
        else:
            pdf, key = example_certificate(Path(tmp), env)
        other, _ = example_certificate(Path(tmp), env, other_factor_set(Path(tmp)))
        isbenefit = [sys.executable, "-m", "isbenefit", "verify"]
        with_key = ["--key", str(key)] if key else []
        runs = {
            FULL: ([*isbenefit, str(pdf), *with_key], 0),
            SIGNATURES: ([*isbenefit, str(other), *with_key], 8),
            FLOOR: ([sys.executable, "-c", PYHANKO_ONLY, str(pdf)], 0),
            HELP: ([*isbenefit, "--help"], 0),
        }
        for command, code in runs.values():  # bytecode, the factor set's cache, the disk
            timed(command, env, code)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(options.repeat):  # interleaved: load on the machine hits all alike
            for name, (command, code) in runs.items():
                times[name].append(timed(command, env, code))
    report(times, pdf.name, options.repeat)


FULL = "verify (every check)"
SIGNATURES = "verify (recomputation skipped)"
FLOOR = "pyHanko-only signature check"
HELP = "isbenefit verify --help"


def report(times: dict[str, list[tuple[float, float]]], name: str, repeat: int) -> None:
    """The medians, and the ratios of both verifies to the floor side by side."""
    median = {
        run: (statistics.median(w for w, _ in pairs), statistics.median(c for _, c in pairs))
        for run, pairs in times.items()
    }
    load = os.getloadavg()[0]
    print(f"median of {repeat} fresh processes each ({name}); load average {load:.1f}")
    for run, (wall, cpu) in median.items():
        print(f"  {run:<32} {wall:6.3f} s wall {cpu:6.3f} s CPU")
    floor = median[FLOOR]
    print(f"  {'ratio to the floor':<32} {'wall':>8} {'CPU':>8}   (target <= 1.5x)")
    for run in (FULL, SIGNATURES):
        wall, cpu = median[run]
        print(f"  {run:<32} {wall / floor[0]:7.2f}x {cpu / floor[1]:7.2f}x")
    wall, cpu = median[HELP]
    print(f"verify --help: {wall:.3f} s wall, {cpu:.3f} s CPU (target < 0.3 s)")


if __name__ == "__main__":
    main()
