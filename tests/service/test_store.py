"""The store keeps a ledger faithfully: import, export, versions, history, CLI verbs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.test import TestCase
from typer.testing import CliRunner

import isbenefit
from isbenefit.cli.app import app
from isbenefit.service import entries, ledgers, store
from isbenefit.service.models import Change, Cluster, Exchange
from tests.service.conftest import EXAMPLE
from tests.service.helpers import example_cluster


def _results(path: Path) -> tuple[bytes, str]:
    assessment = isbenefit.assess(path, factors=store.factor_source(""))
    return assessment.results_json(), assessment.ledger_sha256


class RoundTrip(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()

    def test_export_gives_the_same_results_bytes(self) -> None:
        folder = Path(self.enterContext(_tempdir()))
        exported = folder / EXAMPLE.name  # same file name: the results name the ledger
        exported.write_bytes(store.export_xlsx(self.cluster))
        original, original_sha = _results(EXAMPLE)
        again, again_sha = _results(exported)
        # The only bytes allowed to differ: the hash of the ledger file itself.
        assert original_sha != again_sha
        assert original.replace(original_sha.encode(), again_sha.encode()) == again

    def test_every_column_and_row_survives(self) -> None:
        folder = Path(self.enterContext(_tempdir()))
        exported = folder / "again.xlsx"
        exported.write_bytes(store.export_xlsx(self.cluster))
        before, after = ledgers.read(EXAMPLE), ledgers.read(exported)
        assert after.headers == before.headers
        assert after.sheets == before.sheets
        assert "contract_ref" in after.headers["exchanges"]

    def test_a_year_exports_only_its_exchanges(self) -> None:
        folder = Path(self.enterContext(_tempdir()))
        exported = folder / "2023.xlsx"
        exported.write_bytes(store.export_xlsx(self.cluster, 2023))
        rows = ledgers.read(exported).sheets["exchanges"]
        assert rows and all(r["period_start"] < "2024-01-01" for r in rows)
        assert {r["id"] for r in rows} >= {"kal-gypsum-2023", "kal-biogas-2023-24"}
        assert "kal-gypsum-2024" not in {r["id"] for r in rows}

    def test_export_is_the_same_bytes_twice(self) -> None:
        assert store.export_xlsx(self.cluster) == store.export_xlsx(self.cluster)


class RowChecks(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("checks")

    def test_a_row_is_checked_in_memory_among_the_clusters_rows(self) -> None:
        row = dict(self.cluster.exchanges.get(exchange_id="kal-gypsum-2024").current.fields)
        refused = AssertionError("a row is checked without writing a ledger")
        with mock.patch.object(ledgers, "write_folder", side_effect=refused):
            assert entries.check_row(self.cluster, {**row, "id": "new-1"}) == []
            problems = entries.check_row(
                self.cluster, {**row, "id": "new-2", "quantity": "-5", "unit": "parsec"}
            )
        assert {(p.file, p.sheet, p.row, p.column) for p in problems} == {
            ("the exchange", "exchanges", 2, "quantity"),
            ("the exchange", "exchanges", 2, "unit"),
        }

    def test_a_cell_beyond_the_files_limit_is_refused(self) -> None:
        row = dict(self.cluster.exchanges.get(exchange_id="kal-gypsum-2024").current.fields)
        with mock.patch.dict(os.environ, {"ISBENEFIT_MAX_CELL_CHARS": "300"}):
            problems = entries.check_row(self.cluster, {**row, "id": "x", "notes": "n" * 301})
        assert [(p.row, p.column) for p in problems] == [(2, "notes")]
        assert "301 characters, more than the limit of 300" in problems[0].message


class Versions(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster()

    def test_importing_again_changes_nothing(self) -> None:
        saved = entries.import_file(self.cluster, EXAMPLE)
        assert (saved.created, saved.changed, saved.unchanged) == (0, 0, 20)

    def test_a_change_supersedes_and_keeps_the_old_values(self) -> None:
        exchange = Exchange.objects.get(cluster=self.cluster, exchange_id="kal-gypsum-2024")
        old = exchange.current
        assert old is not None
        row = {**old.fields, "quantity": "12345"}
        version, made = store.save_exchange(self.cluster, row, old.inputs, old.baselines)
        assert made and version.number == old.number + 1
        old.refresh_from_db()
        assert old.superseded_at is not None and old.fields["quantity"] != "12345"
        change = Change.objects.filter(target__startswith="exchange kal-gypsum-2024").first()
        assert change is not None
        assert change.old["fields"]["quantity"] == old.fields["quantity"]
        assert change.new["fields"]["quantity"] == "12345"

    def test_withdrawing_keeps_the_exchange_out_of_the_ledger(self) -> None:
        exchange = Exchange.objects.get(cluster=self.cluster, exchange_id="kym-ash-2023")
        store.withdraw(exchange, None, "duplicate")
        ids = {v.exchange.exchange_id for v in store.current_versions(self.cluster)}
        assert "kym-ash-2023" not in ids
        assert exchange.versions.count() == 2  # nothing deleted


class CommandLine(TestCase):
    def test_import_export_and_users(self) -> None:
        folder = Path(self.enterContext(_tempdir()))
        runner = CliRunner()
        result = runner.invoke(
            app, ["store", "import", str(EXAMPLE), "--cluster", "cli-cluster", "--title", "CLI"]
        )
        assert result.exit_code == 0, result.output
        assert Cluster.objects.get(name="cli-cluster").exchanges.count() == 20
        out = folder / "ledger.xlsx"
        result = runner.invoke(
            app, ["store", "export", "--cluster", "cli-cluster", "--year", "2024", "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert ledgers.read(out).sheets["exchanges"]
        result = runner.invoke(
            app,
            [
                "users",
                "add",
                "new@example.org",
                "--role",
                "member",
                "--cluster",
                "cli-cluster",
                "--org",
                "dk-kalvo-chp",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "/invite/" in result.stdout
        weak = runner.invoke(
            app,
            [
                "users",
                "add",
                "weak@example.org",
                "--role",
                "funder",
                "--cluster",
                "cli-cluster",
                "--password-stdin",
            ],
            input="123\n",
        )
        assert weak.exit_code != 0

    def test_a_bad_ledger_is_refused_whole(self) -> None:
        folder = Path(self.enterContext(_tempdir()))
        bad = folder / "exchanges.csv"
        bad.write_text(
            "id,period_start,period_end,supplier,receiver,flow,resource,quantity,unit,"
            "baseline_supply\nX1,2024-01-01,2024-12-31,A,B,material,gypsum,10,MWh,"
            "prod.gypsum_natural\nX2,2024-01-01,2024-12-31,A,A,material,gypsum,-1,t,"
            "prod.gypsum_natural\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["store", "import", str(bad), "--cluster", "bad"])
        assert result.exit_code == 2
        assert Exchange.objects.filter(cluster__name="bad").count() == 0


def test_help_imports_no_django() -> None:
    code = "import sys, isbenefit, isbenefit.cli.app; print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(EXAMPLE.parents[1])},
    )
    assert out.stdout.strip() == "False"


def _tempdir():  # type: ignore[no-untyped-def]
    import tempfile

    return tempfile.TemporaryDirectory(prefix="isbenefit-service-")
