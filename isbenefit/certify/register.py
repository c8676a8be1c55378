"""A public register of issued certificates: one entry per certificate, as CSV or JSON.

Each entry names the certificate by its serial (the certificate id), the organisation,
the year and the year version it rests on (when the claim names one), the figures the
page states with their units, the issue date, the status with its history (from the
issuer's signed status list) and the issuer key's fingerprint. The JSON export also
carries each certificate's exchanges as the claim records them (both parties, period,
resource, quantity, unit, supplier share), so that `isbenefit verify --claims` can tell
whether an exchange was claimed in two clusters' registers (certify.double_claims).

The same entries come from a folder of certificate PDFs and a status list (`isbenefit
register`) and from the service (`/register.json`, `/register.csv`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isbenefit import messages
from isbenefit.certify import status as statuses
from isbenefit.messages import say
from isbenefit.reported import QUANTITIES, Status

SCHEMA = "isbenefit.register/1"
VALID = str(Status.VALID)
ISSUED = "issued"
# The stated figures, keyed by the label the page prints: their CSV column.
FIGURE_COLUMNS = {
    **{say(quantity.label): quantity.printed_key for quantity in QUANTITIES},
    say(messages.MONEY_EFFECT): "money",
}
EXCHANGE_FIELDS = (
    "id",
    "supplier",
    "receiver",
    "period_start",
    "period_end",
    "resource",
    "quantity",
    "unit",
    "supplier_share",
)
CSV_COLUMNS = (
    "serial",
    "organisation_id",
    "organisation",
    "year",
    "year_version",
    *FIGURE_COLUMNS.values(),
    "currency",
    "basis",
    "issued_on",
    "status",
    "status_history",
    "issuer",
    "issuer_fingerprint",
    "exchanges",
    "page",
    "pdf",
)


@dataclass(frozen=True)
class Issued:
    """What a register knows of a certificate besides its claim."""

    serial: str
    issued_on: str
    issuer: str
    fingerprint: str  # empty: unsigned
    page: str = ""  # the certificate's public page, when the register has one
    pdf: str = ""  # where its PDF is (an address, or a file below the exported folder)


def stated_figures(claim: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The figures the certificate's page states: label, value as printed, number, unit,
    and the kind of figure (conservative or deterministic)."""
    from isbenefit.certify.issue import certified_figures

    # A register is data, read back by programs: its figures are written the English way
    # whatever language the caller speaks (a page in Danish shows a register entry too).
    with messages.language(messages.SOURCE_LANGUAGE):
        certified = certified_figures(claim)
    figures = []
    for item in certified:
        printed = item.figure.value
        figures.append(
            {
                "quantity": item.figure.label,
                "stated": printed,
                "value": float(_plain(printed)),
                "unit": item.figure.unit,
                "basis": item.certified,
            }
        )
    return figures


def exchange_identities(claim: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each exchange of the claim as recorded: what tells it apart across registers."""
    return [{key: exchange.get(key) for key in EXCHANGE_FIELDS} for exchange in claim["exchanges"]]


# The parts of a claim a register entry reads (stated_figures, entry).
REGISTER_CLAIM_KEYS = (
    "schema",
    "year",
    "year_version",
    "currency",
    "factor_set",
    "organisation",
    "credited",
    "rounding",
    "uncertainty",
)


def register_claim(claim: Mapping[str, Any]) -> dict[str, Any]:
    """What a register needs of a claim: its figures and their basis, and its exchanges as
    recorded (a small part of the claim, kept with the certificate by the service)."""
    kept = {key: claim[key] for key in REGISTER_CLAIM_KEYS if key in claim}
    return {**kept, "exchanges": exchange_identities(claim)}


def history(issued_on: str, entries: Iterable[statuses.Entry]) -> list[dict[str, Any]]:
    """Issued, then every status-list entry of the certificate in the list's order."""
    events: list[dict[str, Any]] = [{"status": ISSUED, "date": issued_on}]
    for entry in entries:
        events.append(
            {
                "status": entry.status,
                "date": entry.date,
                "reason": entry.reason,
                "superseded_by": entry.superseded_by,
                "entry": entry.seq,
            }
        )
    return events


def entry(
    claim: Mapping[str, Any], issued: Issued, entries: Sequence[statuses.Entry]
) -> dict[str, Any]:
    """The register entry of one certificate; ``entries``: its status-list entries."""
    mine = [e for e in entries if e.certificate_id == issued.serial]
    version = claim.get("year_version")
    return {
        "serial": issued.serial,
        "organisation": {
            "id": claim["organisation"]["id"],
            "name": claim["organisation"].get("name") or claim["organisation"]["id"],
        },
        "year": str(claim["year"]),
        "year_version": version if isinstance(version, int) else None,
        "figures": stated_figures(claim),
        "currency": claim["currency"],
        "issued_on": issued.issued_on,
        "status": mine[-1].status if mine else VALID,
        "status_history": history(issued.issued_on, mine),
        "issuer": issued.issuer,
        "issuer_fingerprint": issued.fingerprint,
        "factor_set": dict(claim["factor_set"]),
        "exchanges": exchange_identities(claim),
        "page": issued.page,
        "pdf": issued.pdf,
    }


def document(entries: Sequence[Mapping[str, Any]], issuer: str = "") -> dict[str, Any]:
    """The JSON export: the entries in the order given."""
    return {"schema": SCHEMA, "issuer": issuer, "certificates": list(entries)}


def as_json(entries: Sequence[Mapping[str, Any]], issuer: str = "") -> bytes:
    return (json.dumps(document(entries, issuer), ensure_ascii=False, indent=1) + "\n").encode()


def csv_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """One entry as a CSV row: one column per stated figure, in the unit its name says."""
    figures = {FIGURE_COLUMNS.get(f["quantity"], f["quantity"]): f for f in item["figures"]}
    bases = sorted({f["basis"] for f in item["figures"] if f["unit"] != item["currency"]})
    return {
        "serial": item["serial"],
        "organisation_id": item["organisation"]["id"],
        "organisation": item["organisation"]["name"],
        "year": item["year"],
        "year_version": "" if item["year_version"] is None else item["year_version"],
        **{
            column: _plain(figures[column]["stated"]) if column in figures else ""
            for column in FIGURE_COLUMNS.values()
        },
        "currency": item["currency"],
        "basis": "; ".join(bases),
        "issued_on": item["issued_on"],
        "status": item["status"],
        "status_history": "; ".join(describe_event(e) for e in item["status_history"]),
        "issuer": item["issuer"],
        "issuer_fingerprint": item["issuer_fingerprint"],
        "exchanges": " ".join(str(e["id"]) for e in item["exchanges"]),
        "page": item["page"],
        "pdf": item["pdf"],
    }


def _plain(printed: str) -> str:
    """A figure as printed, without thousands separators and with an ASCII minus."""
    return printed.replace(",", "").replace("\u2212", "-")


def describe_event(event: Mapping[str, Any]) -> str:
    """``superseded 2025-03-01 by ISB-...: reason``, ``issued 2025-01-01``."""
    text = f"{event['status']} {event['date']}"
    if event.get("superseded_by"):
        text += f" by {event['superseded_by']}"
    return f"{text}: {event['reason']}" if event.get("reason") else text


def as_csv(entries: Sequence[Mapping[str, Any]]) -> bytes:
    """The CSV export (UTF-8, a header row, figures as the pages print them). Text a
    spreadsheet would run as a formula (an organisation named ``=HYPERLINK(...)``) gets a
    leading `'`, as in every isbenefit CSV and workbook; plain numbers are left alone."""
    from isbenefit.workbooks import neutralised

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {key: neutralised(value) if isinstance(value, str) else value for key, value in row.items()}
        for row in map(csv_row, entries)
    )
    return buffer.getvalue().encode("utf-8")


def problem(data: Any) -> str | None:
    """Why ``data`` (parsed JSON) is not a register export, or None."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return f"not a register export (no schema {SCHEMA})"
    certificates = data.get("certificates")
    if not isinstance(certificates, list):
        return "a register export without a list of certificates"
    for number, item in enumerate(certificates, start=1):
        if not isinstance(item, dict):
            return f"certificate {number} is not an object"
        for key in ("serial", "organisation", "year", "status", "exchanges"):
            if key not in item:
                return f"certificate {number} lacks {key!r}"
        for exchange in item["exchanges"] if isinstance(item["exchanges"], list) else [None]:
            if not isinstance(exchange, dict) or not set(EXCHANGE_FIELDS) <= exchange.keys():
                return f"certificate {number} ({item['serial']}) has an exchange without " + (
                    ", ".join(EXCHANGE_FIELDS)
                )
    return None
