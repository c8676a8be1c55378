"""Whatever a ledger's cells hold, `assess` either computes (exit 0, a readable results
JSON) or refuses with a located problem (exit 2, nothing written): never a traceback."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import BASE_EXCHANGE, TINY_FACTORS, write_ledger

runner = CliRunner()
VALID = {**BASE_EXCHANGE, "baseline_supply": "prod.gypsum", "supplier_share": "0.5"}
COLUMNS = [*sorted(VALID), "transport_mode", "transport_km", "hazardous", "x"]
# Cells a careless or hostile author writes: numbers of every size and form, dates in other
# formats, formulas, control characters, markup, look-alike letters, nothing at all.
CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "1e308",
            "-1e308",
            "NaN",
            "inf",
            "-0",
            "1,5",
            "1.500,25",
            "0x10",
            "1_000",
            "٣",
            "2024-02-30",
            "31/12/2024",
            '=HYPERLINK("x")',
            "[bold]x[/bold]",
            "\x1b[31mred",
            "\u202eevil",
            "Ѕ",
            "yes",
            "no",
            "t",
            "kg",
            "prod.gypsum",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(st.sampled_from(COLUMNS), CELLS, min_size=1, max_size=4))
def test_any_cells_give_results_or_a_located_refusal(changes: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ledger = write_ledger(root / "ledger", [{**VALID, **changes}])
        out = root / "out" / "results.json"
        result = runner.invoke(
            app, ["assess", str(ledger), "--factors", str(TINY_FACTORS), "--json", str(out)]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            changes,
            result.output,
        )
        assert result.exit_code in (0, 2), (changes, result.output)
        event(f"exit {result.exit_code}")
        if result.exit_code == 2:
            assert "Traceback" not in result.output
            assert "Fix:" in result.output or "fix" in result.output.lower(), result.output
            assert not out.exists() and not any(root.glob("out/*"))
        else:
            assert json.loads(out.read_text(encoding="utf-8"))["schema"]
