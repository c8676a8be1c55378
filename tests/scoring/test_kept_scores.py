"""A factor set's scores and Monte Carlo draws are kept beside its Brightway project and
read back, the same numbers, without opening Brightway again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from isbenefit.scoring import brightway
from isbenefit.scoring.factorset import INDICATORS, load_factor_set
from tests.conftest import TINY_FACTORS


def refuse_brightway(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("Brightway opened although the scores were kept")


def test_scores_are_kept_and_read_back_without_brightway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    data = tmp_path / "data"
    assert brightway.cached_scores(factor_set, data) is None
    computed = brightway.factor_scores(factor_set, data)
    monkeypatch.setattr(brightway, "open_brightway", refuse_brightway)
    kept = brightway.factor_scores(factor_set, data)
    assert kept.ids == computed.ids
    assert kept.source == computed.source
    for indicator in INDICATORS:
        assert kept.values[indicator].tobytes() == computed.values[indicator].tobytes()


def test_draws_are_kept_per_iterations_and_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    data = tmp_path / "data"
    drawn = brightway.score_samples(factor_set, 20, 3, data)
    other_seed = brightway.score_samples(factor_set, 20, 4, data)
    assert not np.array_equal(drawn["co2e_kg"], other_seed["co2e_kg"])
    monkeypatch.setattr(brightway, "open_brightway", refuse_brightway)
    again = brightway.score_samples(factor_set, 20, 3, data)
    for indicator in INDICATORS:
        assert again[indicator].shape == (20, len(factor_set.activities))
        assert again[indicator].tobytes() == drawn[indicator].tobytes()


def test_a_project_gone_is_built_again(tmp_path: Path) -> None:
    factor_set = load_factor_set(TINY_FACTORS)
    data = tmp_path / "data"
    brightway.factor_scores(factor_set, data)
    for marker in (data / "brightway" / "isbenefit-ready").iterdir():
        marker.unlink()
    assert brightway.cached_scores(factor_set, data) is None
    built = brightway.factor_scores(factor_set, data)
    assert built.source.startswith("brightway:isbenefit-")
