"""Finding savings claimed twice across documents: certificates and ledgers.

Every document says who is credited which share of an exchange over which
period. A certificate credits its organisation the organisation's share
(`supplier_share`, or the rest for the receiver) of each exchange for the part of
the exchange's period inside the certificate's year; a ledger credits each
exchange whole (the supplier its share, the receiver the rest) over its period.
Exchanges are the same when their id, supplier and receiver are the same.

Two findings are reported:
- **over-credited**: on some day, the shares credited for an exchange across all
  documents add up to more than 100 %;
- **overlapping periods**: two documents give the same exchange different
  periods that overlap (a sign that one period was re-cut and counted again).

- **look-alike ids**: two documents name the same exchange (or party) with ids that
  differ only in invisible characters (a zero-width space), compatibility forms (a
  full-width `Ｅ１`) or letters of another script that look the same (a Cyrillic `Р` for
  a Latin `P`). Ids are compared after NFKC normalisation, with Unicode format
  characters (category Cf) removed and such look-alike letters read as Latin ones, so
  the over-credited check sees through them; the finding names both ids as written.

A certificate made from a ledger in the same folder is not another claim: its
exchanges are the ledger's. When a certificate's exchange record (id, parties, period,
resource, quantity, unit, supplier share) is one a ledger records, the certificate stands
for that ledger's credit of the certificate's organisation on the certificate's days, so
the ledger and its certificates add up to 100 %, while two certificates crediting the
same share (of one ledger or of two) still add up to more.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from isbenefit.engine.core import Party, credit_share
from isbenefit.errors import InputError, Problem

TOLERANCE = 1e-9
LOOK_ALIKE = "look-alike ids"
# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables, the common ones).
_AS_LATIN = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеіјосрхуѕԁһԛԝ"  # Cyrillic
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοϲνι",  # Greek
    "ABESIJKMHOPCTXYaeijocpxysdhqwABEZHIKMNOPTYXocvi",
)


def comparable_id(text: str) -> str:
    """An id as compared across documents: NFKC, no format characters, look-alikes Latin."""
    normal = unicodedata.normalize("NFKC", text)
    return "".join(c for c in normal if unicodedata.category(c) != "Cf").translate(_AS_LATIN)


def scripts(text: str) -> list[str]:
    """The scripts of an id's letters (LATIN, CYRILLIC, GREEK, ...), in order of appearance."""
    found: dict[str, None] = {}
    for character in text:
        if character.isalpha():
            found.setdefault(unicodedata.name(character, "UNKNOWN").split()[0], None)
    return list(found)


def shown_id(text: str) -> str:
    """An id for a message: invisible characters escaped, mixed scripts named."""
    visible = "".join(
        c if unicodedata.category(c) not in ("Cf", "Cc") else f"\\u{ord(c):04x}" for c in text
    )
    mixed = scripts(text)
    return f"'{visible}'" + (f" (mixes {' and '.join(mixed)} letters)" if len(mixed) > 1 else "")


@dataclass(frozen=True)
class Credit:
    """One document crediting one party a share of an exchange over some days."""

    document: str
    exchange: str
    supplier: str
    receiver: str
    party: str
    share: float
    start: dt.date  # credited days, inclusive
    end: dt.date
    period: tuple[dt.date, dt.date]  # the exchange period the document records
    # The exchange as recorded (see _record), and whether a ledger records it: a
    # certificate's credit of the same record stands for the ledger's credit of its party.
    record: tuple[Any, ...] = ()
    from_ledger: bool = False


@dataclass(frozen=True)
class Finding:
    kind: str  # "over-credited" or "overlapping periods"
    exchange: str
    supplier: str
    receiver: str
    start: dt.date
    end: dt.date
    total_share: float
    credits: tuple[Credit, ...]

    def describe(self) -> str:
        parts = ", ".join(f"{c.document}: {c.party} {c.share:.0%}" for c in self.credits)
        if self.kind == "over-credited":
            return (
                f"exchange {self.exchange} ({self.supplier} -> {self.receiver}) credited "
                f"{self.total_share:.0%} from {self.start} to {self.end}: {parts}"
            )
        if self.kind == LOOK_ALIKE:
            written = "; ".join(
                f"{c.document}: exchange {shown_id(c.exchange)}, {shown_id(c.supplier)} -> "
                f"{shown_id(c.receiver)}"
                for c in self.credits
            )
            return (
                f"exchange {self.exchange} is recorded under ids that look alike but differ "
                f"(compared as the same exchange): {written}"
            )
        periods = "; ".join(f"{c.document}: {c.period[0]}..{c.period[1]}" for c in self.credits)
        return (
            f"exchange {self.exchange} ({self.supplier} -> {self.receiver}) has "
            f"overlapping, different periods: {periods}"
        )


def collect(folder: Path) -> tuple[list[Credit], list[str]]:
    """Credits from every certificate and ledger below ``folder``, and files skipped (why)."""
    credits: list[Credit] = []
    skipped: list[str] = []
    for path in [folder, *sorted(folder.rglob("*"))]:
        name = str(path.relative_to(folder)) if path != folder else folder.name
        if path.is_file() and path.suffix.lower() == ".pdf":
            found, reason = _certificate_credits(path, name)
            if reason:
                skipped.append(f"{name}: {reason}")
            credits.extend(found)
        elif _is_ledger(path):
            try:
                credits.extend(_ledger_credits(path, name))
            except InputError as error:
                skipped.append(f"{name}: not a readable ledger ({error.problems[0]})")
    return credits, skipped


def find(credits: list[Credit]) -> list[Finding]:
    """Over-credited days, overlapping periods and look-alike ids, per exchange.

    Exchanges are grouped by :func:`comparable_id` of their id, supplier and receiver;
    findings name the ids as the first document (by name) writes them.
    """
    by_exchange: dict[tuple[str, str, str], list[Credit]] = defaultdict(list)
    for credit in credits:
        comparable = (
            comparable_id(credit.exchange),
            comparable_id(credit.supplier),
            comparable_id(credit.receiver),
        )
        by_exchange[comparable].append(credit)
    findings: list[Finding] = []
    for _, group in sorted(by_exchange.items()):
        first = min(group, key=lambda c: (c.document, c.exchange, c.supplier, c.receiver))
        key = (first.exchange, first.supplier, first.receiver)
        findings.extend(_look_alikes(key, group))
        findings.extend(_over_credited(key, group))
        findings.extend(_overlapping_periods(key, group))
    return findings


def _look_alikes(key: tuple[str, str, str], group: list[Credit]) -> list[Finding]:
    """One finding when a group's credits write its ids in more than one way."""
    written: dict[tuple[str, str, str], Credit] = {}
    for credit in sorted(group, key=lambda c: c.document):
        written.setdefault((credit.exchange, credit.supplier, credit.receiver), credit)
    if len(written) < 2:
        return []
    credits = tuple(written.values())
    start, end = min(c.start for c in group), max(c.end for c in group)
    return [Finding(LOOK_ALIKE, *key, start, end, 0.0, credits)]


def _over_credited(key: tuple[str, str, str], group: list[Credit]) -> list[Finding]:
    """Maximal date ranges over which the credited shares add up to more than 100 %."""
    edges = sorted({c.start for c in group} | {c.end + dt.timedelta(days=1) for c in group})
    findings: list[Finding] = []
    for start, stop in pairwise(edges):
        active = _counted(tuple(c for c in group if c.start <= start and c.end >= start))
        total = sum(c.share for c in active)
        if total > 1.0 + TOLERANCE:
            end = stop - dt.timedelta(days=1)
            previous = findings[-1] if findings else None
            if previous and previous.credits == active and previous.end + dt.timedelta(1) == start:
                findings[-1] = Finding(previous.kind, *key, previous.start, end, total, active)
            else:
                findings.append(Finding("over-credited", *key, start, end, total, active))
    return findings


def _counted(active: tuple[Credit, ...]) -> tuple[Credit, ...]:
    """The credits that count on a day: a ledger's credit of a party is left out when a
    certificate credits that party the same exchange record (the certificate was made from
    the ledger: its share is the ledger's, not another claim). Of several ledgers recording
    the same exchange only the first (by name) is replaced, so copies still add up."""
    certified = {(c.record, c.party) for c in active if not c.from_ledger and c.record}
    replaced: set[Credit] = set()
    for credit in sorted(active, key=lambda c: c.document):
        mark = (credit.record, credit.party)
        if credit.from_ledger and mark in certified:
            replaced.add(credit)
            certified.discard(mark)
    return tuple(c for c in active if c not in replaced)


def _record(exchange: dict[str, Any]) -> tuple[Any, ...]:
    """An exchange as recorded, the same whether read from a claim or from a ledger."""
    return (
        str(exchange["id"]),
        str(exchange["supplier"]),
        str(exchange["receiver"]),
        str(exchange["period_start"]),
        str(exchange["period_end"]),
        str(exchange["resource"]),
        float(exchange["quantity"]),
        str(exchange["unit"]),
        float(exchange["supplier_share"]),
    )


def _overlapping_periods(key: tuple[str, str, str], group: list[Credit]) -> list[Finding]:
    periods: dict[tuple[dt.date, dt.date], Credit] = {}
    for credit in group:
        periods.setdefault(credit.period, credit)
    distinct = sorted(periods.items())
    findings = []
    for index, (first, first_credit) in enumerate(distinct):
        for second, second_credit in distinct[index + 1 :]:
            if first[0] <= second[1] and second[0] <= first[1]:
                start, end = max(first[0], second[0]), min(first[1], second[1])
                findings.append(
                    Finding(
                        "overlapping periods", *key, start, end, 0.0, (first_credit, second_credit)
                    )
                )
    return findings


def _certificate_credits(path: Path, name: str) -> tuple[list[Credit], str]:
    """The credits a PDF's claim.json gives, or none and why."""
    from pypdf.errors import PyPdfError

    from isbenefit.certify.claim import CLAIM_FILE, load_claim, read_attachments

    try:
        raw = read_attachments(path).get(CLAIM_FILE)
    except (OSError, ValueError, PyPdfError):
        return [], "not a readable PDF"
    if raw is None:
        return [], "no claim attached (statements and reports carry none)"
    try:
        claim = load_claim(raw)
        return [_claim_credit(name, claim, e) for e in claim["exchanges"]], ""
    except (ValueError, KeyError, TypeError) as error:  # ClaimError is a ValueError
        return [], f"claim.json unreadable ({error})"


def _claim_credit(name: str, claim: dict[str, Any], exchange: dict[str, Any]) -> Credit:
    """A certificate credits its organisation's share for the exchange's days in its year."""
    org, year = str(claim["organisation"]["id"]), int(claim["year"])
    period = (
        dt.date.fromisoformat(exchange["period_start"]),
        dt.date.fromisoformat(exchange["period_end"]),
    )
    share = float(exchange["supplier_share"])
    return Credit(
        name,
        str(exchange["id"]),
        str(exchange["supplier"]),
        str(exchange["receiver"]),
        org,
        credit_share(share, Party.SUPPLIER if org == exchange["supplier"] else Party.RECEIVER),
        max(period[0], dt.date(year, 1, 1)),
        min(period[1], dt.date(year, 12, 31)),
        period,
        _record(exchange) if {"resource", "quantity", "unit"} <= exchange.keys() else (),
    )


def _is_ledger(path: Path) -> bool:
    """An .xlsx workbook, or a folder holding exchanges.csv (its CSVs are read together)."""
    if path.is_dir():
        return (path / "exchanges.csv").is_file()
    return path.suffix.lower() == ".xlsx"


def _ledger_credits(path: Path, name: str) -> list[Credit]:
    from isbenefit.ledger.reading import read_ledger
    from isbenefit.ledger.rules import check_sheets

    problems: list[Problem] = []
    sheets = check_sheets(read_ledger(path), problems, "EUR")
    if problems:
        raise InputError(problems)
    credits = []
    for row in sheets.exchanges.to_dict("records"):
        period = (_date(row["period_start"]), _date(row["period_end"]))
        share = float(row["supplier_share"])
        record = _record(
            {
                **{str(k): v for k, v in row.items()},
                "period_start": period[0],
                "period_end": period[1],
            }
        )
        for side in Party:
            party, part = row[side], credit_share(share, side)
            credits.append(
                Credit(
                    name,
                    row["id"],
                    row["supplier"],
                    row["receiver"],
                    party,
                    part,
                    period[0],
                    period[1],
                    period,
                    record,
                    from_ledger=True,
                )
            )
    return credits


def _date(days: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(days))
