"""How fast `isbenefit verify` starts and checks (a benchmark that prints, not a test).

    .venv/bin/python bench/bench_verify.py [--repeat 5] [--pdf CERT.pdf --key ISSUER.pub]

Side by side in one run, each in a fresh process, ``--repeat`` times:

- ``isbenefit verify`` of a signed certificate of the example (organisation
  dk-kalvo-chp, 2024, 1000 Monte Carlo iterations, signed with a key from a fixed
  seed): every check, recomputation included;
- a pyHanko-only check of the same file: read it and validate its PDF signature, the
  least any check of a signed PDF does (the floor);
- ``isbenefit verify --help``.

Prints the median wall and CPU time (user + system of the child) of each and the ratio
of verify to the floor. Targets (issue 23): verify within 1.5x of the floor, ``--help``
under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``command``: it must succeed and,
    when it is isbenefit, print nothing on stderr (pyHanko alone warns and logs there)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or (done.stderr and "isbenefit" in command):
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def example_certificate(folder: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A signed certificate of the example and the issuer's public key."""
    sys.path.insert(0, str(REPO / "scripts"))
    from output_hashes import fixed_key

    key = fixed_key(folder)
    pdf = folder / "certificate.pdf"
    subprocess.run(
        [sys.executable, "-m", "isbenefit", "certificate", str(EXAMPLE), "--org",
         "dk-kalvo-chp", "--year", "2024", "--key", str(key), "-o", str(pdf)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    return pdf, key.with_suffix(".pub")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", type=Path, help="a signed certificate (default: the example's)")
    parser.add_argument("--key", type=Path, help="its issuer's public key, with --pdf")
    options = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1735689600"}
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("ISBENEFIT_DATA_DIR", str(Path(tmp) / "data"))
        if options.pdf:
            pdf, key = options.pdf, options.key
        else:
            pdf, key = example_certificate(Path(tmp), env)
        isbenefit = [sys.executable, "-m", "isbenefit", "verify"]
        runs = {
            "isbenefit verify": [*isbenefit, str(pdf), *(["--key", str(key)] if key else [])],
            "pyHanko-only signature check": [sys.executable, "-c", PYHANKO_ONLY, str(pdf)],
            "isbenefit verify --help": [*isbenefit, "--help"],
        }
        timed(runs["isbenefit verify"], env)  # warm the factor set's cache and the disk
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(options.repeat):  # interleaved: load on the machine hits all alike
            for name, command in runs.items():
                times[name].append(timed(command, env))
    median = {
        name: (statistics.median(w for w, _ in runs_), statistics.median(c for _, c in runs_))
        for name, runs_ in times.items()
    }
    print(f"median of {options.repeat} fresh processes each ({pdf.name})")
    for name, (wall, cpu) in median.items():
        print(f"  {name:<30} {wall:6.3f} s wall {cpu:6.3f} s CPU")
    verify, floor = median["isbenefit verify"], median["pyHanko-only signature check"]
    print(
        f"verify / pyHanko-only: {verify[0] / floor[0]:.2f}x wall, {verify[1] / floor[1]:.2f}x "
        "CPU (target <= 1.5x)"
    )
    print(f"verify --help: {median['isbenefit verify --help'][0]:.3f} s wall (target < 0.3 s)")


if __name__ == "__main__":
    main()
