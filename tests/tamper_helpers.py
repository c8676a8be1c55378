"""The tampered copies of a signed certificate that the tamper tests make, in one place:
`verify` (tests/certify/test_pdf_signatures.py), the standard-tools recipe
(tests/certify/test_standard_tools.py) and the quiet-verdict test
(tests/certify/test_verify_quiet.py) all run on the same files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

from isbenefit.certify.pdf_signature import Stamp, sign_pdf
from isbenefit.certify.signing import load_issuer, load_private_key

# Over the CO2e card of the page (points from the lower left).
OVER_THE_FIGURE = (215, 505, 320, 548)


def edited(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    """A copy with one byte changed: ``old`` (found once) becomes ``new`` (same length)."""
    data = source.read_bytes()
    assert data.count(old) >= 1 and len(old) == len(new)
    target.write_bytes(data.replace(old, new, 1))
    return target


def producer_edited(source: Path, target: Path) -> Path:
    """The producer string in the document information edited: nothing else checks it,
    so the PDF signature alone must catch the change."""
    return edited(source, target, b"WeasyPrint", b"WeasyPrinT")


def page_appended(source: Path, target: Path) -> Path:
    """A blank page added by an incremental update after signing."""
    writer = PdfWriter(source, incremental=True)
    writer.add_blank_page(595, 842)
    with target.open("wb") as stream:
        writer.write(stream)
    return target


def painted_over(source: Path, target: Path) -> Path:
    """An incremental update that paints a white box over the page: the text a parser
    extracts is unchanged, what a reader shows is not."""
    writer = PdfWriter(source, incremental=True)
    page = writer.pages[0]
    box = DecodedStreamObject()
    box.set_data(b"q 1 1 1 rg 150 560 300 80 re f Q")
    contents = page["/Contents"]
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([*streams, writer._add_object(box)])
    with target.open("wb") as stream:
        writer.write(stream)
    return target


def signed_over(source: Path, key: Path, field: str, target: Path) -> Path:
    """``source`` with one more PDF signature made with ``key`` under ``field``, whose
    visible box paints "60.0" over the stated CO2e figure."""
    private = load_private_key(key)
    when = datetime(2025, 1, 1, tzinfo=UTC)
    stamp = Stamp("60.0", OVER_THE_FIGURE)
    target.write_bytes(
        sign_pdf(source.read_bytes(), private, load_issuer(key, private), when, field, stamp=stamp)
    )
    return target


def byte_range_broken(source: Path, target: Path) -> Path:
    """The signature's /ByteRange made unreadable (a name where a number belongs)."""
    data = source.read_bytes()
    start = data.index(b"/ByteRange [") + len(b"/ByteRange [")
    numbers = data[start : data.index(b"]", start)]
    last = numbers.split()[-1]
    broken = numbers[: len(numbers) - len(last)] + b"/X" + b"1" * (len(last) - 2)
    target.write_bytes(data[:start] + broken + data[start + len(numbers) :])
    return target


def rewrite_attachments(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of a PDF with some attachments replaced or added (bytes) or removed (None)."""
    reader = PdfReader(source)
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for name, contents in reader.attachments.items():
        data = change.get(name, contents[0])
        if data is not None:
            writer.add_attachment(name, data)
    for name, data in change.items():
        if name not in reader.attachments and data is not None:
            writer.add_attachment(name, data)
    with target.open("wb") as stream:
        writer.write(stream)
    return target


def changed_after_signing(other_key: Path) -> dict[str, Callable[[Path, Path], Path]]:
    """Each change made to a signed certificate after signing that `verify` reports as
    "PDF signature invalid" (16), by name; ``other_key`` signs over the page."""
    return {
        "one byte edited": producer_edited,
        "page appended": page_appended,
        "white box painted over a figure": painted_over,
        "signed over under another name": lambda source, target: signed_over(
            source, other_key, "Signature1", target
        ),
        "signed over as a second issuer field": lambda source, target: signed_over(
            source, other_key, "isbenefit-issuer2", target
        ),
        "byte range broken": byte_range_broken,
    }
