"""`isbenefit verify --claims DIR`: savings credited more than once across documents."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.cli.app import app
from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger

runner = CliRunner()


def certify(ledger: Path, org: str, year: str, out: Path) -> Path:
    result = runner.invoke(
        app,
        [
            "certificate",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--org",
            org,
            "--year",
            year,
            "--iterations",
            "0",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def claims_report(folder: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", "--claims", str(folder), "--json"])
    return result.exit_code, json.loads(result.output)


def test_two_ledgers_crediting_the_same_exchange_are_caught(tmp_path: Path) -> None:
    first = exchange(baseline_supply="prod.gypsum", supplier_share="0.7")
    second = exchange(baseline_supply="prod.gypsum", supplier_share="0.6")
    write_ledger(tmp_path / "docs" / "programme-a", [first])
    write_ledger(tmp_path / "docs" / "programme-b", [second])
    code, report = claims_report(tmp_path / "docs")
    assert code == 9
    (finding,) = [f for f in report["findings"] if f["kind"] == "over-credited"]
    assert finding["exchange"] == "E1"
    assert finding["total_share"] == pytest.approx(0.7 + 0.3 + 0.6 + 0.4)
    assert "SUP 70%" in finding["description"] and "SUP 60%" in finding["description"]


def test_certificates_of_both_programmes_for_the_supplier_add_to_130_percent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, share in (("a", "0.7"), ("b", "0.6")):
        ledger = write_ledger(
            tmp_path / name, [exchange(baseline_supply="prod.gypsum", supplier_share=share)]
        )
        certify(ledger, "SUP", "2024", docs / f"{name}.pdf")
    code, report = claims_report(docs)
    assert code == 9
    (finding,) = report["findings"]
    assert finding["total_share"] == pytest.approx(1.3)
    assert (finding["from"], finding["to"]) == ("2024-01-01", "2024-12-31")


def test_shares_up_to_100_percent_are_not_flagged(tmp_path: Path) -> None:
    write_ledger(tmp_path / "docs" / "only", [exchange(baseline_supply="prod.gypsum")])
    code, report = claims_report(tmp_path / "docs")
    assert (code, report["findings"]) == (0, [])


def test_overlapping_and_separate_periods(tmp_path: Path) -> None:
    h1 = exchange(period_start="2024-01-01", period_end="2024-06-30", baseline_supply="prod.gypsum")
    h2 = exchange(period_start="2024-07-01", period_end="2024-12-31", baseline_supply="prod.gypsum")
    recut = exchange(
        period_start="2024-05-01", period_end="2024-08-31", baseline_supply="prod.gypsum"
    )
    write_ledger(tmp_path / "separate" / "a", [h1])
    write_ledger(tmp_path / "separate" / "b", [h2])
    code, report = claims_report(tmp_path / "separate")
    assert (code, report["findings"]) == (0, [])
    write_ledger(tmp_path / "overlap" / "a", [h1])
    write_ledger(tmp_path / "overlap" / "b", [recut])
    code, report = claims_report(tmp_path / "overlap")
    assert code == 9
    kinds = {f["kind"]: f for f in report["findings"]}
    assert (kinds["overlapping periods"]["from"], kinds["overlapping periods"]["to"]) == (
        "2024-05-01",
        "2024-06-30",
    )
    assert kinds["over-credited"]["total_share"] == pytest.approx(2.0)


def test_a_certificate_credits_only_the_days_of_its_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exchange from July 2023 to June 2024: programme A certifies SUP for 2023 (70 %),
    programme B for 2024 (60 %). The days do not meet, so nothing is credited twice; add
    A's 2024 certificate and the first half of 2024 is credited 130 %."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    spanning = {
        "period_start": "2023-07-01",
        "period_end": "2024-06-30",
        "baseline_supply": "prod.gypsum",
    }
    first = write_ledger(tmp_path / "a", [exchange(**spanning, supplier_share="0.7")])
    second = write_ledger(tmp_path / "b", [exchange(**spanning, supplier_share="0.6")])
    docs = tmp_path / "docs"
    docs.mkdir()
    certify(first, "SUP", "2023", docs / "a-2023.pdf")
    certify(second, "SUP", "2024", docs / "b-2024.pdf")
    assert claims_report(docs) == (
        0,
        {
            "documents": ["a-2023.pdf", "b-2024.pdf"],
            "skipped": [],
            "findings": [],
            "unverified": [],
        },
    )
    certify(first, "SUP", "2024", docs / "a-2024.pdf")
    code, report = claims_report(docs)
    assert code == 9
    (finding,) = report["findings"]
    assert (finding["kind"], finding["from"], finding["to"]) == (
        "over-credited",
        "2024-01-01",
        "2024-06-30",
    )
    assert finding["total_share"] == pytest.approx(0.7 + 0.6)


def test_supplier_and_receiver_certificates_of_one_ledger_add_to_100_percent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    ledger = write_ledger(
        tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum", supplier_share="0.7")]
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    certify(ledger, "SUP", "2024", docs / "sup.pdf")
    certify(ledger, "REC", "2024", docs / "rec.pdf")
    code, report = claims_report(docs)
    assert (code, report["findings"]) == (0, [])
    assert report["documents"] == ["rec.pdf", "sup.pdf"]


def test_same_id_between_other_partners_is_another_exchange(tmp_path: Path) -> None:
    write_ledger(tmp_path / "docs" / "a", [exchange(baseline_supply="prod.gypsum")])
    write_ledger(
        tmp_path / "docs" / "b", [exchange(baseline_supply="prod.gypsum", receiver="THIRD")]
    )
    assert claims_report(tmp_path / "docs")[0] == 0


def test_a_workbook_and_a_csv_folder_of_one_ledger_credit_everything_twice(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "examples" / "nordic-cluster", docs / "folder" / "nordic")
    shutil.copy(REPO / "examples" / "nordic-cluster.xlsx", docs / "nordic.xlsx")
    (docs / "notes.pdf").write_bytes(b"%PDF-1.4 not really")
    code, report = claims_report(docs)
    assert code == 9
    assert report["documents"] == ["folder/nordic", "nordic.xlsx"]
    assert report["skipped"] == ["notes.pdf: not a readable PDF"]
    with (REPO / "examples" / "nordic-cluster" / "exchanges.csv").open(encoding="utf-8") as f:
        exchange_ids = {row["id"] for row in csv.DictReader(f)}
    over = [f for f in report["findings"] if f["kind"] == "over-credited"]
    assert {f["exchange"] for f in over} == exchange_ids
    assert all(f["total_share"] == pytest.approx(2.0) for f in over)
    assert not [f for f in report["findings"] if f["kind"] == "overlapping periods"]


def test_statements_are_skipped_and_the_table_lists_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    ledger = write_ledger(
        tmp_path / "docs" / "ledger",
        [exchange(baseline_supply="prod.gypsum", supplier_share="0.7")],
    )
    result = runner.invoke(
        app,
        [
            "statement",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--org",
            "SUP",
            "--year",
            "2024",
            "-o",
            str(tmp_path / "docs" / "statement.pdf"),
        ],
    )
    assert result.exit_code == 0, result.output
    other = write_ledger(
        tmp_path / "other", [exchange(baseline_supply="prod.gypsum", supplier_share="0.6")]
    )
    certify(other, "SUP", "2024", tmp_path / "docs" / "certificate.pdf")
    result = runner.invoke(
        app, ["verify", "--claims", str(tmp_path / "docs")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 9
    assert "over-credited" in result.output and "160%" in result.output
    assert "2 documents read, 1 findings" in result.output
    assert "skipped statement.pdf: no claim attached" in result.output


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", "--claims", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such folder" in result.output


def test_ids_with_markup_are_printed_as_text(tmp_path: Path) -> None:
    rows = [exchange(id="[bold]E1[/bold]", baseline_supply="prod.gypsum")]
    write_ledger(tmp_path / "docs" / "a", rows)
    write_ledger(tmp_path / "docs" / "b", rows)
    result = runner.invoke(
        app, ["verify", "--claims", str(tmp_path / "docs")], env={"COLUMNS": "300"}
    )
    assert result.exit_code == 9
    assert "[bold]E1[/bold]" in result.output


def test_a_ledger_and_every_certificate_made_from_it_are_no_double_claim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example ledger beside the certificates of all its organisations for 2023: each
    certificate's exchanges are the ledger's, so nothing is credited twice."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "examples" / "nordic-cluster", docs / "nordic-cluster")
    result = runner.invoke(
        app,
        [
            "certificates",
            str(docs / "nordic-cluster"),
            "--year",
            "2023",
            "--iterations",
            "0",
            "-o",
            str(docs / "certificates"),
        ],
    )
    assert result.exit_code == 0, result.output
    code, report = claims_report(docs)
    assert (code, report["findings"], report["skipped"]) == (0, [], [])
    certificates = sorted((docs / "certificates").glob("*.pdf"))
    assert len(certificates) > 10
    assert len(report["documents"]) == len(certificates) + 1


def test_two_certificates_of_one_share_beside_their_ledger_are_a_double_claim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUP certified twice from the ledger in the folder (two Monte Carlo runs: two
    claims): 70 % + 70 % for SUP and the ledger's 30 % for REC."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    docs = tmp_path / "docs"
    ledger = write_ledger(
        docs / "ledger", [exchange(baseline_supply="prod.gypsum", supplier_share="0.7")]
    )
    certify(ledger, "SUP", "2024", docs / "sup.pdf")
    certify(ledger, "REC", "2024", docs / "rec.pdf")
    assert claims_report(docs) == (
        0,
        {
            "documents": ["ledger", "rec.pdf", "sup.pdf"],
            "skipped": [],
            "findings": [],
            "unverified": [],
        },
    )
    result = runner.invoke(
        app,
        [
            "certificate",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--org",
            "SUP",
            "--year",
            "2024",
            "--iterations",
            "20",
            "-o",
            str(docs / "sup-again.pdf"),
        ],
    )
    assert result.exit_code == 0, result.output
    code, report = claims_report(docs)
    assert code == 9
    (finding,) = report["findings"]
    assert finding["total_share"] == pytest.approx(0.7 + 0.7 + 0.3)
    assert "sup.pdf: SUP 70%" in finding["description"]
    assert "sup-again.pdf: SUP 70%" in finding["description"]
    assert "rec.pdf: REC 30%" in finding["description"]
    assert "ledger:" not in finding["description"]  # both its shares are certified


def test_a_certificate_of_an_earlier_version_of_the_ledger_is_another_claim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger restated (quantity 100 t -> 120 t) after SUP's certificate: the
    certificate's exchange is no longer the ledger's, so its 70 % comes on top."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    docs = tmp_path / "docs"
    row = exchange(baseline_supply="prod.gypsum", supplier_share="0.7")
    ledger = write_ledger(docs / "ledger", [row])
    certify(ledger, "SUP", "2024", docs / "sup.pdf")
    write_ledger(docs / "ledger", [{**row, "quantity": "120"}])
    code, report = claims_report(docs)
    assert code == 9
    (finding,) = report["findings"]
    assert finding["total_share"] == pytest.approx(1.0 + 0.7)


@pytest.fixture(scope="module")
def restated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SUP's signed certificate for 2024, and the one issued after the ledger was
    restated (100 t -> 120 t): two claims of SUP's 70 % on the same days."""
    from tests.certificate_helpers import make_certificate, new_test_key

    folder = tmp_path_factory.mktemp("restated")
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    new_test_key(folder / "other.key", folder / "other.pub")
    row = exchange(baseline_supply="prod.gypsum", supplier_share="0.7")
    docs = folder / "docs"
    docs.mkdir()
    key = ("--iterations", "0", "--key", str(folder / "issuer.key"))
    make_certificate(write_ledger(folder / "first", [row]), docs / "sup-2024.pdf", *key)
    second = write_ledger(folder / "second", [{**row, "quantity": "120"}])
    make_certificate(second, docs / "sup-2024-restated.pdf", *key)
    return {"docs": docs, "key": folder / "issuer.key", "other": folder / "other.key"}


def _withdraw(key: Path, status: Path, pdf: Path, *extra: str) -> str:
    from isbenefit.certify import claim as claims
    from tests.certificate_helpers import attached_claim

    serial = claims.certificate_id(claims.claim_sha256(json.loads(attached_claim(pdf))))
    result = runner.invoke(app, ["revoke", serial, "--key", str(key), "--status", str(status),
                                 "--reason", "restated", *extra])  # fmt: skip
    assert result.exit_code == 0, result.output
    return serial


def test_a_certificate_its_issuer_superseded_claims_nothing(
    restated: dict[str, Path], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(restated["docs"], docs)
    code, report = claims_report(docs)  # both count: 70 % + 70 %
    assert code == 9
    assert report["findings"][0]["total_share"] == pytest.approx(0.7 + 0.7)

    new_id = _withdraw(restated["key"], tmp_path / "none.json", docs / "sup-2024-restated.pdf")
    old_id = _withdraw(restated["key"], docs / "status.json", docs / "sup-2024.pdf",
                       "--superseded-by", new_id)  # fmt: skip
    code, report = claims_report(docs)
    assert code == 0, report
    assert report["findings"] == []
    (skip,) = [s for s in report["skipped"] if s.startswith("sup-2024.pdf:")]
    assert f"{old_id} is superseded by {new_id} in the issuer's status list status.json" in skip


def test_a_broken_or_foreign_status_list_withdraws_nothing(
    restated: dict[str, Path], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(restated["docs"], docs)
    _withdraw(restated["other"], docs / "foreign.json", docs / "sup-2024.pdf")
    code, report = claims_report(docs)
    assert code == 9  # another key cannot withdraw the issuer's certificate

    (docs / "foreign.json").unlink()
    _withdraw(restated["key"], docs / "status.json", docs / "sup-2024.pdf")
    data = json.loads((docs / "status.json").read_text(encoding="utf-8"))
    data["entries"][0]["reason"] = "edited after signing"
    (docs / "status.json").write_text(json.dumps(data), encoding="utf-8")
    code, report = claims_report(docs)
    assert code == 9
    assert any("status list not used" in s and "edited" in s for s in report["skipped"])


def test_a_certificate_and_its_translations_are_one_claim(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    docs = tmp_path / "docs"
    docs.mkdir()
    ledger = write_ledger(
        tmp_path / "a", [exchange(baseline_supply="prod.gypsum", supplier_share="0.7")]
    )
    certify(ledger, "SUP", "2024", docs / "sup-en.pdf")
    for lang in ("pl", "de"):
        result = runner.invoke(
            app,
            ["certificate", str(ledger), "--factors", str(TINY_FACTORS), "--org", "SUP",
             "--year", "2024", "--iterations", "0", "--lang", lang,
             "-o", str(docs / f"sup-{lang}.pdf")],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    code, report = claims_report(docs)
    assert [f for f in report["findings"] if f["kind"] == "over-credited"] == [], report
    # Another programme's claim, translated, is still another claim: 70 % + 60 %.
    other = write_ledger(
        tmp_path / "b", [exchange(baseline_supply="prod.gypsum", supplier_share="0.6")]
    )
    result = runner.invoke(
        app,
        ["certificate", str(other), "--factors", str(TINY_FACTORS), "--org", "SUP", "--year",
         "2024", "--iterations", "0", "--lang", "pl", "-o", str(docs / "b-pl.pdf")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    code, report = claims_report(docs)
    (finding,) = [f for f in report["findings"] if f["kind"] == "over-credited"]
    assert code == 9 and finding["total_share"] == pytest.approx(0.7 + 0.6)
