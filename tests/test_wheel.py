"""The built wheel carries factors/ and templates/ and works outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_installs_and_assesses_the_example(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("isbenefit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "isbenefit/_shipped/factors/isbenefit-open/activities.csv" in names
    assert any(n.startswith("isbenefit/_shipped/templates/") for n in names)
    assert "isbenefit/data/rates.csv" in names
    assert "isbenefit/data/unit_conversions.csv" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # Dependencies come from the test environment; the package itself only from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    Path(site.stdout.strip(), "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )

    out = tmp_path / "results.json"
    env = {**os.environ, "ISBENEFIT_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run(
        [
            str(venv / "bin" / "isbenefit"),
            "assess",
            str(REPO / "examples" / "nordic-cluster.xlsx"),
            "--json",
            str(out),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    located = subprocess.run(
        [str(python), "-c", "import isbenefit; print(isbenefit.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in located.stdout, "the package must come from the installed wheel"
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["factor_set"]["id"] == "isbenefit-open"
    assert len(results["exchanges"]) >= 15
