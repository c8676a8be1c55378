"""Factors really go through Brightway: scores equal a direct numpy computation, the
project lives in isbenefit's data directory, and a second run does not rebuild it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from isbenefit.scoring import brightway
from isbenefit.scoring.factorset import INDICATORS, load_factor_set
from tests.conftest import TINY_FACTORS


def numpy_scores(activities_csv: Path) -> dict[str, np.ndarray]:
    """The same factor set computed without Brightway: A = I, B from the CSV, c = 1."""
    import pandas as pd

    table = pd.read_csv(activities_csv, dtype=str, keep_default_na=False)
    vintages_csv = activities_csv.with_name("vintages.csv")
    if vintages_csv.is_file():  # each vintage is one more activity, after the rows
        vintages = pd.read_csv(vintages_csv, dtype=str, keep_default_na=False)
        table = pd.concat([table, vintages[list(INDICATORS)]], ignore_index=True)
    count = len(table)
    technosphere = np.eye(count)
    scores = {}
    for indicator in INDICATORS:
        biosphere = pd.to_numeric(table[indicator].replace("", "0")).to_numpy(dtype=float)
        scores[indicator] = np.linalg.solve(technosphere.T, biosphere)
    return scores


@pytest.mark.parametrize("factor_dir", [TINY_FACTORS, "shipped"])
def test_brightway_scores_match_numpy(tmp_path: Path, factor_dir: Path | str) -> None:
    factor_set = load_factor_set(None if factor_dir == "shipped" else factor_dir)
    scores = brightway.factor_scores(factor_set, tmp_path / "data")
    expected = numpy_scores(factor_set.path / "activities.csv")
    assert scores.ids == tuple(factor_set.activities["id"])
    for indicator in INDICATORS:
        np.testing.assert_allclose(scores.values[indicator], expected[indicator], rtol=1e-9, atol=0)
    assert scores.source.startswith("brightway:isbenefit-")


def test_project_is_cached_and_kept_out_of_the_default_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    data = tmp_path / "data"
    brightway.factor_scores(factor_set, data)
    assert (data / "brightway").is_dir()
    built = []
    monkeypatch.setattr(brightway, "_build_project", lambda *args: built.append(args))
    brightway.factor_scores(factor_set, data)
    assert built == [], "the second run must reuse the cached project"
    import bw2data

    assert Path(bw2data.projects.dir).is_relative_to(data)
    assert "isbenefit-tiny-test-" in bw2data.projects.current


def test_changed_factor_set_gets_its_own_project(tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "factorset.toml").write_bytes((TINY_FACTORS / "factorset.toml").read_bytes())
    text = (TINY_FACTORS / "activities.csv").read_text(encoding="utf-8")
    (changed / "activities.csv").write_text(
        text.replace(",120,0.5,", ",130,0.5,"), encoding="utf-8"
    )
    original, edited = load_factor_set(TINY_FACTORS), load_factor_set(changed)
    assert original.sha256 != edited.sha256
    scores = brightway.factor_scores(edited, tmp_path / "data")
    position = list(scores.ids).index("prod.gypsum")
    assert scores.values["co2e_kg"][position] == pytest.approx(130.0, rel=1e-12)


def test_lognormal_uncertainty_is_stored_with_the_exchange(tmp_path: Path) -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    brightway.factor_scores(factor_set, tmp_path / "data")
    import bw2data

    node = bw2data.get_node(database=factor_set.id, code="prod.gypsum")
    (exchange,) = [e for e in node.biosphere() if e.input["code"] == "co2e"]
    assert exchange["uncertainty type"] == 2
    assert exchange["loc"] == pytest.approx(np.log(120.0))
    assert exchange["scale"] == pytest.approx(np.log(1.2))
    assert Path(bw2data.projects.dir).is_relative_to(tmp_path / "data")
