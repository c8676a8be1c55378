"""Reading a certificate's page against its claim: by the claim and fixed markers, never
by the page's own words.

What the page must print is derived from claim.json (:mod:`isbenefit.certify.stated`
gives each stated figure with its label, value, unit and kind of figure, and the
sentence saying which figures are stated). Where things are on the page is found by
markers whose form no language changes: the statement id (``ISB-`` and 16 hex digits),
the claim's SHA-256 in hex, the key fingerprint (``ed25519:...``), the figure labels the
claim gives, the organisation's name and id, the year, the issuer's name and the date of
issue. No label of the page ("Statement id", "Organisation", "calendar year", "Issued
by") is read, so a certificate printed in another language, its labels derived from its
claim, reads the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from isbenefit.certify.checks import Check, CheckName, Status
from isbenefit.reported import CERTIFICATE_ID, ID_HEX_DIGITS, ID_PREFIX, certificate_id

# A statement id anywhere on the page: the one printed just before the claim's SHA-256 is
# the page's, and any other must be the claim's own or come from the claim's text.
ID_MARKER = CERTIFICATE_ID
# At most this many characters (the SHA-256 row's label, without spaces) stand between the
# statement id and the claim's SHA-256, and between the issuer's name and the date of issue.
BESIDE = 40
# How the page prints a signing key (certify.signing.fingerprint): the page says signed.
FINGERPRINT_MARKER = "ed25519:"
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def printed_ids(compact: str) -> list[str]:
    """Every statement id the page prints (``compact``: the text without whitespace, as
    an id may wrap across lines)."""
    return ID_MARKER.findall(compact)


def statement_id_problems(claim: Mapping[str, Any], compact: str, sha: str) -> list[str]:
    """Whether the page prints the claim's statement id where a statement id stands: just
    before the claim's SHA-256, which it must print; and no other statement id, but those
    the claim's own text holds (an exchange named like one, printed in its table).

    ``compact`` is the page text without whitespace. An id printed anywhere else (a
    footnote) is not the page's statement id."""
    own, printed = certificate_id(sha), ID_MARKER.findall(compact)
    at = compact.find(sha)
    stated = _id_before(compact, at) if at >= 0 else None
    problems = []
    if at < 0:
        problems.append("claim.json does not hash to the SHA-256 printed on the page")
        if own not in printed:
            shown = ", ".join(sorted(set(printed))) or "no certificate id"
            problems.append(f"claim.json gives the id {own}, the page prints {shown}")
    elif stated is None:
        elsewhere = f" ({', '.join(sorted(set(printed)))} elsewhere)" if printed else ""
        problems.append(f"the page prints no statement id beside the claim's SHA-256{elsewhere}")
    elif stated != own:
        problems.append(
            f"claim.json gives the id {own}, the page prints {stated} beside its SHA-256"
        )
    strays = sorted(set(printed) - {own, stated} - _ids_in(claim))
    if strays:
        problems.append(f"the page prints another statement id: {', '.join(strays)}")
    return problems


def _id_before(compact: str, at: int) -> str | None:
    """The statement id printed at most BESIDE characters before position ``at``."""
    window = compact[max(0, at - BESIDE - len(ID_PREFIX) - ID_HEX_DIGITS) : at]
    found = list(ID_MARKER.finditer(window))
    return found[-1].group() if found else None


def _ids_in(value: Any) -> set[str]:
    """Every statement id-like text in the claim's strings (keys and values)."""
    if isinstance(value, str):
        return set(ID_MARKER.findall("".join(value.split())))
    if isinstance(value, Mapping):
        return {i for k, v in value.items() for i in _ids_in(str(k)) | _ids_in(v)}
    if isinstance(value, list | tuple):
        return {i for item in value for i in _ids_in(item)}
    return set()


def issuer_printed(flat: str, issuer: str, day: str, claim: Mapping[str, Any] | None) -> bool:
    """Whether the page's head names the issuer and then the date of issue (at most BESIDE
    characters apart), above the organisation's name and id; with no usable ``claim``,
    anywhere on the page (the attachment check fails then anyway)."""
    end = _identity_start(flat, claim) if claim is not None else None
    head = flat[: end if end is not None else len(flat)]
    start = head.find(issuer)
    while start >= 0:
        after = start + len(issuer)
        if 0 <= head.find(day, after) - after <= BESIDE:
            return True
        start = head.find(issuer, start + 1)
    return False


def _identity_start(flat: str, claim: Mapping[str, Any]) -> int | None:
    """Where the page names the claim's organisation (its name, then its id at most
    BESIDE characters on: the head's title), or None."""
    try:
        organisation = claim["organisation"]
        name = " ".join(str(organisation.get("name") or organisation["id"]).split())
        marker = f" {organisation['id']} "
    except (KeyError, TypeError, AttributeError):
        return None
    start = flat.find(name)
    while start >= 0:
        after = start + len(name)
        if 0 <= flat.find(marker, after - 1) - after <= BESIDE:
            return start
        start = flat.find(name, start + 1)
    return None


def says_signed(compact: str) -> bool:
    """Whether the page prints a signing key's fingerprint."""
    return FINGERPRINT_MARKER in compact.lower()


def in_order(flat: str, values: Sequence[str], start: int = 0) -> int | None:
    """Where the last of ``values`` ends when they occur in ``flat`` in this order (each
    after the previous one), else None."""
    cursor = start
    for value in values:
        found = flat.find(value, cursor)
        if found < 0:
            return None
        cursor = found + len(value)
    return cursor


def printed_check(claim: Mapping[str, Any], flat: str) -> Check:
    """The page prints the claim's stated figures, rounded as the certificate states.

    ``flat`` is the page text with single spaces. Each figure is read from the page
    after its label and compared as text with the claim's figure formatted by the
    certificate's rounding; so are its kind of figure and its central estimate.
    """
    from isbenefit.certify.stated import certification_note, certified_figures

    try:
        expected = certified_figures(claim)
        note = certification_note(claim)
    except (KeyError, TypeError, ValueError) as error:
        return Check(CheckName.PRINTED, Status.FAIL, f"claim.json has no usable figures ({error})")
    labels = [item.figure.label for item in expected]
    segments = _card_segments(flat, labels)
    problems = []
    for item, segment in zip(expected, segments, strict=True):
        problems += _card_problems(item, segment)
    if " ".join(note.split()) not in flat:
        problems.append(f"the page does not say which figures are certified ({note!r})")
    problems += _exchanges_problems(claim, flat)
    first_card = flat.find(labels[0] + " ") if labels else -1
    problems += _identity_problems(claim, flat[: first_card if first_card >= 0 else len(flat)])
    if problems:
        return Check(
            CheckName.PRINTED,
            Status.FAIL,
            "the page differs from claim.json: " + "; ".join(problems),
        )
    return Check(
        CheckName.PRINTED,
        Status.PASS,
        f"all {len(expected)} stated figures printed as in claim.json ({expected[0].certified})",
    )


def _exchanges_problems(claim: Mapping[str, Any], flat: str) -> list[str]:
    """The table of exchanges (claims from isbenefit.claim/3 on): each row's cells in
    order, the rows in order, then how many more and the flags' legend."""
    from isbenefit.certify.exchanges_stated import stated_exchanges

    table = stated_exchanges(claim)
    if table is None:
        return []
    compact = "".join(flat.split())  # cut cells may wrap anywhere
    cursor: int | None = 0
    for row in table.rows:
        cells = [row.id, row.replaced, row.baseline, row.share, row.marks]
        cursor = in_order(compact, ["".join(cell.split()) for cell in cells if cell], cursor or 0)
        if cursor is None:
            return [f"the page does not name exchange {row.id} as claim.json states it"]
    for text in (table.more, *table.legend):
        if text and "".join(text.split()) not in compact:
            return [f"the page does not print {text!r}"]
    return []


def _identity_problems(claim: Mapping[str, Any], head: str) -> list[str]:
    """Whose and which year's figures the page says they are, against the claim: above the
    figures, the organisation's name, then its id, then the year as the first year after
    the id."""
    organisation = claim["organisation"]
    name = " ".join(str(organisation.get("name") or organisation["id"]).split())
    year = str(claim["year"])
    after_id = in_order(head, [name, f" {organisation['id']} "])
    if after_id is None:
        return [f"the page does not name the claim's organisation {name!r}"]
    stated = _YEAR.search(head, after_id)
    if stated is None or stated.group() != year:
        return [f"the page does not state the claim's year {year}"]
    return []


def _card_segments(flat: str, labels: list[str]) -> list[str | None]:
    """The page text of each figure card: from its label to the next card's (the last:
    to the statement id that follows the cards, or the end)."""
    starts: list[int | None] = []
    cursor = 0
    for label in labels:
        found = flat.find(label + " ", cursor)
        starts.append(found if found >= 0 else None)
        cursor = found + 1 if found >= 0 else cursor
    after = ID_MARKER.search(flat, cursor)
    ends = [*starts[1:], after.start() if after else None]
    return [
        flat[start : end if end is not None and end > start else len(flat)]
        if start is not None
        else None
        for start, end in zip(starts, ends, strict=True)
    ]


def _card_problems(item: Any, segment: str | None) -> list[str]:
    figure = item.figure
    wanted = f"{figure.value} {figure.unit}"
    if segment is None:
        return [f"{figure.label}: not printed"]
    # A value may hold spaces (1 660,50: a locale's thousands separator).
    printed = re.match(
        re.escape(figure.label) + r" (\S+(?: \S+)*?) " + re.escape(figure.unit), segment
    )
    problems = []
    if printed is None or printed.group(1) != " ".join(figure.value.split()):
        shown = f"{printed.group(1)} {figure.unit}" if printed else "no figure"
        problems.append(f"{figure.label}: printed {shown}, claim.json certifies {wanted}")
    if " ".join(item.certified.split()) not in segment:
        problems.append(f"{figure.label}: not labelled {item.certified!r}")
    if item.central and " ".join(item.central.split()) not in segment:
        problems.append(f"{figure.label}: the page does not print {item.central!r}")
    return problems
