"""The ESRS E5 output in another language: the same datapoints, paragraphs, breakdowns and
values; labels, notes and the method in the language (the verb's --lang)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from isbenefit import messages
from isbenefit.cli.app import app
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "nordic-cluster.xlsx"
ORG = "dk-kalvo-chp"


def esrs_json(tmp_path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    target = tmp_path / f"esrs{'-'.join(extra)}.json"
    result = CliRunner().invoke(
        app, ["esrs", str(EXAMPLE), "--org", ORG, "--year", "2024", "--json", str(target), *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text(encoding="utf-8"))


def test_the_esrs_datapoints_in_polish_are_the_english_ones_with_polish_words(
    tmp_path: Path,
) -> None:
    english, polish = esrs_json(tmp_path), esrs_json(tmp_path, "--lang", "pl")
    assert len(english["datapoints"]) == len(polish["datapoints"]) > 5
    for en, pl in zip(english["datapoints"], polish["datapoints"], strict=True):
        assert (en["paragraph"], en["breakdown"], en["value"], en["unit"]) == (
            pl["paragraph"], pl["breakdown"], pl["value"], pl["unit"],
        )  # fmt: skip
        assert pl["label"] != en["label"]
    with messages.language("pl"):
        diverted = messages.say(messages.ESRS_DIVERTED)
    assert diverted in {point["label"] for point in polish["datapoints"]}
    assert polish["method"].startswith("Wartości obejmują wymiany materiałowe")
    assert english["method"].startswith("Figures cover the material exchanges")
