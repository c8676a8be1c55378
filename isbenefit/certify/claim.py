"""A certificate's claim: its canonical bytes, its hash and its id.

The claim is everything a certificate asserts, and nothing about how or when it
was printed: the organisation, the year, its credited figures, the exchanges
they come from (with their calculation lines), the factors and sources used,
and the ledger rows those exchanges rest on. Its canonical JSON (RFC 8785, the JSON
Canonicalization Scheme; claims of schema /1 used Python's sorted, compact JSON) is
hashed with SHA-256; the certificate id is ``ISB-`` and the first 16 hex digits of that
hash, upper case. The same claim always gets the same id; any changed figure, row or
factor gives another.

Left out on purpose, because they do not change what is claimed: the issuer,
the render time, the isbenefit version, the ledger's file name and whole-file
hash (rows of other organisations), and the factor set's whole-folder hash
(the factors used are in the claim with their values).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rfc8785

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource

# /2: pages state figures (no "certified" wording, a hazardous-waste card); /1 pages are
# still checked against what they printed (certify.issue).
CLAIM_SCHEMA = "isbenefit.claim/2"
LEGACY_SCHEMA = "isbenefit.claim/1"
CLAIM_FILE = "claim.json"
ID_PREFIX = "ISB-"
ID_HEX_DIGITS = 16
LedgerRows = Mapping[str, Sequence[Mapping[str, str]]]
# The results JSON as a dict: the claim copies parts of it verbatim.
Results = Mapping[str, Any]


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: RFC 8785 (JSON Canonicalization Scheme), so that anyone can
    rebuild and hash a claim in any language; a claim of the first schema keeps the form
    it was hashed in (Python's sorted, compact JSON)."""
    if isinstance(value, Mapping) and value.get("schema") == LEGACY_SCHEMA:
        return legacy_canonical_json(value)
    return rfc8785.dumps(value)


def legacy_canonical_json(value: Any) -> bytes:
    """The canonical form of isbenefit.claim/1: sorted keys, compact separators, UTF-8."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def claim_exchange_ids(results: Results, org_id: str, year: str) -> list[str]:
    """Ids of the exchanges a claim of ``org_id`` for ``year`` rests on."""
    return [str(e["id"]) for e in _claimed_exchanges(results, org_id, year)]


def _claimed_exchanges(results: Results, org_id: str, year: str) -> list[Mapping[str, Any]]:
    """The exchange records of ``org_id`` with a part of their period in ``year``, in
    results order (the exchanges its credits in that year come from)."""
    return [
        e
        for e in results["exchanges"]
        if float(e["years"].get(year, 0.0)) > 0.0 and org_id in (e["supplier"], e["receiver"])
    ]


def _organisation(results: Results, org_id: str) -> Mapping[str, Any]:
    """The organisation record of ``org_id`` (callers check first that there is one)."""
    for org in results["organisations"]:
        if org["id"] == org_id:
            return dict(org)
    raise ValueError(f"the results have no organisation {org_id!r}")


def build_claim(
    results: Results,
    org_id: str,
    year: str,
    ledger_rows: LedgerRows,
) -> dict[str, Any]:
    """The claim of ``org_id`` for ``year`` (see the module docstring)."""
    org = _organisation(results, org_id)
    exchanges = _claimed_exchanges(results, org_id, year)
    used = {str(line["activity"]) for e in exchanges for line in e["lines"]}
    factors = [f for f in results["factors"] if str(f["id"]) in used]
    cited = {str(f["source"]) for f in factors}
    return {
        "schema": CLAIM_SCHEMA,
        "year": year,
        "currency": results["currency"],
        "factor_set": {
            "id": results["factor_set"]["id"],
            "version": results["factor_set"]["version"],
        },
        "organisation": {key: org.get(key) for key in ("id", "name", "country", "sme")},
        "credited": org["years"][year],
        "exchanges": exchanges,
        "factors": factors,
        "sources": [s for s in results["sources"] if str(s["key"]) in cited],
        "ledger_rows": {sheet: list(rows) for sheet, rows in sorted(ledger_rows.items())},
        **_uncertainty_part(results, org_id, year),
    }


def _uncertainty_part(results: Results, org_id: str, year: str) -> dict[str, Any]:
    """The Monte Carlo settings and this organisation-year's ranges, when a run was made.

    With them the conservative figures are the certified ones, so they belong to the
    claim: another seed or percentile gives another certificate id.
    """
    uncertainty = results.get("uncertainty")
    if not uncertainty:
        return {}
    settings = ("method", "iterations", "seed", "conservative_percentile", "quantity_gsd")
    return {
        "uncertainty": {
            **{key: uncertainty[key] for key in settings},
            "credited": uncertainty["organisation_years"][f"{org_id}/{year}"],
        }
    }


def certified_saved(claim: Mapping[str, Any]) -> dict[str, float]:
    """The saved figures a claim certifies: the conservative ones when Monte Carlo was run."""
    saved = dict(claim["credited"]["saved"])
    ranges = claim.get("uncertainty", {}).get("credited", {})
    return {
        key: float(ranges[key]["conservative"]) if key in ranges else float(value)
        for key, value in saved.items()
    }


def claim_sha256(claim: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(claim)).hexdigest()


def certificate_id(sha256_hex: str) -> str:
    return ID_PREFIX + sha256_hex[:ID_HEX_DIGITS].upper()


def qr_payload(cert_id: str, sha256_hex: str) -> str:
    """What the QR code carries: the certificate id and the full claim hash."""
    return f"{cert_id} sha256:{sha256_hex}"


def ledger_csvs(ledger_rows: LedgerRows) -> dict[str, bytes]:
    """The ledger rows as one CSV per sheet (a ledger folder ``assess`` can read).

    Bookkeeping keys starting with ``_`` (the source row number) are left out.
    """
    files = {}
    for sheet, rows in sorted(ledger_rows.items()):
        if not rows:
            continue
        columns = list(
            dict.fromkeys(key for row in rows for key in row if not str(key).startswith("_"))
        )
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
        files[f"{sheet}.csv"] = buffer.getvalue().encode("utf-8")
    return files


def assess_ledger_rows(
    ledger_rows: LedgerRows,
    source: FactorSource,
    currency: str,
    data_dir: Path | None,
    monte_carlo: MonteCarloSettings | None,
) -> Assessment:
    """Assess some rows of a ledger on their own (written as CSVs to a temporary folder).

    An organisation's figures come out as in the whole ledger: exchanges are computed
    one by one, and each draws its Monte Carlo quantities from a stream of its own id
    while factor draws cover the whole factor set. So a certificate's Monte Carlo run
    needs only its organisation's rows, and `verify` recomputes from the same rows.
    ``source`` gives the scores (the run's own source: its factor set is loaded once).
    """
    from isbenefit.api import assess

    with tempfile.TemporaryDirectory(prefix="isbenefit-rows-") as folder:
        for name, data in ledger_csvs(ledger_rows).items():
            (Path(folder) / name).write_bytes(data)
        return assess(
            folder, factors=source, currency=currency, data_dir=data_dir, monte_carlo=monte_carlo
        )


def read_attachments(pdf: Path | str | io.BytesIO) -> dict[str, bytes]:
    """The files attached to a PDF, by name (first version of each)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}
