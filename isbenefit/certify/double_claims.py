"""Finding savings claimed twice across documents: certificates, ledgers and registers.

Every document says who is credited which share of an exchange over which
period. A certificate credits its organisation the organisation's share
(`supplier_share`, or the rest for the receiver) of each exchange for the part of
the exchange's period inside the certificate's year; a ledger credits each
exchange whole (the supplier its share, the receiver the rest) over its period.
Exchanges are the same when their id, supplier and receiver are the same, or, across
files (two clusters' registers, a register and a ledger), when both parties, the period,
the resource and the quantity are (:func:`identity`): clusters name their exchanges
differently. Copies of one certificate (two PDFs, a PDF and its register entry: the same
id signed by the same key) count once, and so do its translations (a claim naming a
language is the English claim's, printed in that language).

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

from isbenefit.certify.claim_sources import collect
from isbenefit.certify.credits import Credit

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
        parts = ", ".join(
            f"{c.document}: {c.party} {c.share:.0%}"
            + (
                f" (as exchange {c.exchange})"
                if comparable_id(c.exchange) != comparable_id(self.exchange)
                else ""
            )
            for c in self.credits
        )
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


def find(credits: list[Credit]) -> list[Finding]:
    """Over-credited days, overlapping periods and look-alike ids, per exchange.

    Exchanges are grouped by :func:`comparable_id` of their id, supplier and receiver,
    and groups from different files are joined when they record the same exchange under
    other ids (:func:`identity`); copies of one certificate count once. Findings name the
    ids as the first document (by name) writes them.
    """
    by_exchange: dict[tuple[str, str, str], list[Credit]] = defaultdict(list)
    for credit in _distinct(credits):
        by_exchange[_key(credit)].append(credit)
    findings: list[Finding] = []
    for keys in _same_exchanges(by_exchange):
        for key in keys:
            findings.extend(_look_alikes(_named(by_exchange[key]), by_exchange[key]))
        group = [credit for key in keys for credit in by_exchange[key]]
        named = _named(group)
        findings.extend(_over_credited(named, group))
        findings.extend(_overlapping_periods(named, group))
    return findings


def _key(credit: Credit) -> tuple[str, str, str]:
    return (
        comparable_id(credit.exchange),
        comparable_id(credit.supplier),
        comparable_id(credit.receiver),
    )


def _named(group: list[Credit]) -> tuple[str, str, str]:
    """The ids as the first document (by name) writes them."""
    first = min(group, key=lambda c: (c.document, c.exchange, c.supplier, c.receiver))
    return (first.exchange, first.supplier, first.receiver)


def _distinct(credits: list[Credit]) -> list[Credit]:
    """The credits less repeats of a certificate already read (a copy of its PDF, its entry
    in a register): one certificate is one claim, wherever it is found."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for credit in sorted(credits, key=lambda c: c.document):
        # A certificate is known by its id and, translated, by its English claim's too.
        marks = {
            (certificate, _key(credit), credit.party, credit.start, credit.end)
            for certificate in (credit.certificate, credit.translation_of)
            if certificate
        }
        if marks & seen:
            continue
        seen |= marks
        kept.append(credit)
    return kept


def identity(credit: Credit) -> tuple[str, ...] | None:
    """What an exchange is, whatever its id: both parties, its period, its resource and its
    quantity (in t, MWh or m³ when the unit converts), compared as ids are (look-alike
    letters read as Latin, the resource without case or extra spaces). None when the
    document records no more than ids."""
    if not credit.record:
        return None
    _id, supplier, receiver, start, end, resource, quantity, unit, _share = credit.record
    return (
        comparable_id(supplier),
        comparable_id(receiver),
        str(start),
        str(end),
        " ".join(comparable_id(str(resource)).casefold().split()),
        _amount(float(quantity), str(unit)),
    )


_CANONICAL_UNIT = {"mass": "t", "energy": "MWh", "volume": "m3"}


def _amount(quantity: float, unit: str) -> str:
    from isbenefit.units import UnitError, conversion_factor, dimension

    try:
        canonical = _CANONICAL_UNIT.get(dimension(unit), unit)
        return f"{quantity * conversion_factor(unit, canonical):.9g} {canonical}"
    except UnitError:
        return f"{quantity:.9g} {comparable_id(unit)}"


def _same_exchanges(
    by_exchange: dict[tuple[str, str, str], list[Credit]],
) -> list[list[tuple[str, str, str]]]:
    """The groups of exchange keys that are one exchange: keys recorded with the same
    :func:`identity` in different files (a file recording two such exchanges under two
    ids keeps them apart)."""
    parent = {key: key for key in by_exchange}

    def root(key: tuple[str, str, str]) -> tuple[str, str, str]:
        while parent[key] != key:
            key = parent[key]
        return key

    by_identity: dict[tuple[str, ...], list[tuple[str, str, str]]] = defaultdict(list)
    for key, group in sorted(by_exchange.items()):
        for found in sorted({i for i in map(identity, group) if i is not None}):
            by_identity[found].append(key)
    for keys in by_identity.values():
        files = {c.source or c.document for c in by_exchange[keys[0]]}
        for other in keys[1:]:
            if files.isdisjoint(c.source or c.document for c in by_exchange[other]):
                parent[root(other)] = root(keys[0])
    joined: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for key in sorted(by_exchange):
        joined[root(key)].append(key)
    return sorted(joined.values())


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


__all__ = ["Credit", "Finding", "collect", "comparable_id", "find", "shown_id"]
