"""The command line's shared options: declared once as dataclasses, spread into each verb."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from isbenefit.cli.app import app
from isbenefit.cli.common import (
    PLACED,
    SOURCE_OPTIONS,
    CurrencyOption,
    Placed,
    SourceOptions,
    with_options,
)
from isbenefit.cli.document_options import ISSUING_OPTIONS, IssuingOptions
from isbenefit.scoring.source import FactorSetFolder, MappedDatabase, WithFallback
from tests.conftest import REPO, TINY_FACTORS

runner = CliRunner()
SOURCE_FLAGS = ["--factors", "--mapping", "--brightway", "--brightway-dir", "--fallback"]


def options_in_help(app_: typer.Typer, *args: str) -> list[str]:
    """The long option names of a verb's --help, in the order shown."""
    shown = runner.invoke(app_, [*args, "--help"], env={"COLUMNS": "200"}).output
    return re.findall(r"^│\s+(?:\*\s+)?(--[a-z-]+)", shown, flags=re.MULTILINE)


def test_a_verb_gets_its_options_as_one_dataclass_and_places_the_placed_ones(
    tmp_path: Path,
) -> None:
    got: list[object] = []
    demo = typer.Typer(add_completion=False)

    @demo.command()
    @with_options
    def run(
        name: Annotated[str, typer.Argument()],
        data_dir: Placed = PLACED,  # listed first, before the verb's own option
        currency: CurrencyOption = "EUR",
        options: SourceOptions = SOURCE_OPTIONS,
    ) -> None:
        got.extend([name, currency, options])

    assert options_in_help(demo) == [
        "--data-dir",
        "--currency",
        "--factors",
        "--mapping",
        "--brightway",
        "--brightway-dir",
        "--fallback",
        "--help",
    ]
    data = tmp_path / "data"
    result = runner.invoke(demo, ["X", "--factors", str(TINY_FACTORS), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    assert got[:2] == ["X", "EUR"]
    assert got[2] == SourceOptions(factors=TINY_FACTORS, data_dir=data)
    source = got[2].source()  # type: ignore[attr-defined]
    assert isinstance(source, FactorSetFolder)
    assert (source.path, source.data_dir) == (TINY_FACTORS, data)


def test_a_placed_parameter_must_name_a_field() -> None:
    def run(factor: Placed = PLACED, options: SourceOptions = SOURCE_OPTIONS) -> None:
        del factor, options

    with pytest.raises(TypeError, match="factor"):
        with_options(run)


def test_the_source_options_build_each_kind_of_source(tmp_path: Path) -> None:
    data = tmp_path / "data"
    mapping = tmp_path / "mapping.toml"
    database = SourceOptions(mapping=mapping, brightway="lca", data_dir=data).source()
    assert isinstance(database, MappedDatabase)
    assert (database.mapping_path, database.project, database.data_dir) == (mapping, "lca", data)
    both = SourceOptions(TINY_FACTORS, mapping, fallback=True, data_dir=data).source()
    assert isinstance(both, WithFallback)
    assert both.fallback.path == TINY_FACTORS
    assert both.data_dir == both.fallback.data_dir == data


def test_issuing_options_are_one_issuing_value(tmp_path: Path) -> None:
    assert ISSUING_OPTIONS.issuing().issuer == "isbenefit"
    key = tmp_path / "issuer.key"
    issuing = IssuingOptions(key=key, verify_url="https://example.org/c").issuing()
    assert (issuing.issuer, issuing.key_file, issuing.verify_url) == (
        "isbenefit",
        key,
        "https://example.org/c",
    )


@pytest.mark.parametrize(
    ("verb", "before", "after"),
    [
        ("assess", "--factors", "--currency"),
        ("check", "--data-dir", "--mapping"),
        ("statement", "--fallback", "--currency"),
        ("certificates", "--verify-url", "--factors"),
        ("esrs", "--currency", "--data-dir"),
        ("verify", "--fallback", "--data-dir"),
        ("countersign", "--data-dir", "--trust-store"),
    ],
)
def test_every_verb_lists_the_source_options_where_it_always_did(
    verb: str, before: str, after: str
) -> None:
    shown = options_in_help(app, verb)
    assert set(SOURCE_FLAGS) <= set(shown), shown
    assert shown.index(before) + 1 == shown.index(after), shown


def test_the_source_options_are_declared_in_one_module() -> None:
    """No verb declares --mapping, --fallback, ... itself: each takes `SourceOptions`."""
    for path in sorted((REPO / "isbenefit" / "cli").glob("*.py")):
        if path.name == "common.py":
            continue
        text = path.read_text(encoding="utf-8")
        for declared in ("MappingOption", "FallbackOption", "BrightwayDirOption"):
            uses = text.count(f": {declared}")
            # `factors export` names a mapping and a Brightway directory of its own.
            allowed = 1 if path.name == "app.py" and declared == "BrightwayDirOption" else 0
            assert uses == allowed, (path.name, declared)


def test_an_option_declared_twice_is_refused() -> None:
    def run(fallback: bool = False, options: SourceOptions = SOURCE_OPTIONS) -> None:
        del fallback, options

    with pytest.raises(TypeError, match="declared twice"):
        with_options(run)
