"""Standard PDF signatures (PAdES, through pyHanko) that any PDF reader shows and checks.

The claim signature (Ed25519 over claim.json, :mod:`isbenefit.certify.signing`) is what
recomputation rests on; these signatures make the same key visible to PDF readers.

Most readers cannot check Ed25519 inside a PDF (poppler's NSS reports "corrupted data",
Acrobat has no EdDSA), so each PDF signature is made with an ECDSA P-256 key derived
from the Ed25519 key (HKDF; nothing else to keep safe), whose X.509 certificate is issued
by a self-signed certificate of the Ed25519 key. Both certificates travel in the
signature. The chain binds the PDF signature to the key that signed the claim: a reader
shows "signed by NAME" and "issuer not trusted" (the root is self-signed; a funder may
add it to the reader's trusted certificates), and `isbenefit verify` checks the chain
against the key in signature.json or, for a countersignature, the user's trust store.

Signatures are deterministic (Ed25519, RFC 6979 ECDSA, the signing time and the
document ids fixed by the caller), so the same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import io
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

from isbenefit.certify.signing import Issuer, fingerprint, public_key_text

if TYPE_CHECKING:
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

ISSUER_FIELD = "isbenefit-issuer"
VERIFIER_FIELD_PREFIX = "isbenefit-verifier"
# Where a countersignature's box goes: the bottom margin of the A4 page (points from the
# lower left), below the footnote. No signature may draw anywhere else.
STAMP_BOX = (36, 6, 559, 40)
# The order of the P-256 group: a derived scalar must lie in [1, n - 1].
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_DERIVATION_INFO = b"isbenefit PAdES signing key P-256 v1"
# Room for the CMS container: two certificates, an ECDSA signature, signed attributes.
_SIGNATURE_BYTES = 8192
COMMON_NAME_LENGTH = 64  # ub-common-name, RFC 5280


class PdfSignatureError(ValueError):
    """A PDF that cannot be signed as asked (not readable, already closed by a signature)."""


def pdf_key(private: Ed25519PrivateKey) -> ec.EllipticCurvePrivateKey:
    """The P-256 key PDF signatures are made with, derived from the issuer's Ed25519 key."""
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    seed = HKDF(hashes.SHA256(), 48, salt=b"isbenefit", info=_DERIVATION_INFO).derive(raw)
    return ec.derive_private_key(int.from_bytes(seed) % (_P256_ORDER - 1) + 1, ec.SECP256R1())


def _validity(issuer: Issuer) -> tuple[datetime, datetime]:
    start = datetime.combine(date.fromisoformat(issuer.valid_from), time(0), UTC)
    end = datetime.combine(date.fromisoformat(issuer.valid_until), time(0), UTC)
    return start, end + timedelta(days=1) - timedelta(seconds=1)


def _serial(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\n".join(parts).encode()).digest()[:16]) >> 1


def common_name(name: str) -> str:
    """``name`` as an X.509 common name, which holds at most 64 characters (counted by
    OpenSSL in UTF-8 bytes): cut with an ellipsis when longer."""
    if len(name.encode()) <= COMMON_NAME_LENGTH:
        return name
    cut = name
    while len((cut + "…").encode()) > COMMON_NAME_LENGTH:
        cut = cut[:-1]
    return cut + "…"


def root_name(issuer: Issuer) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name(issuer.name)),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "isbenefit issuer key"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, issuer.fingerprint),
        ]
    )


def root_certificate(private: Ed25519PrivateKey, issuer: Issuer) -> x509.Certificate:
    """The self-signed X.509 certificate of the Ed25519 key: name and validity of its
    issuer record. A funder may add it to a PDF reader's trusted certificates."""
    start, end = _validity(issuer)
    name = root_name(issuer)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(_serial("root", issuer.fingerprint, issuer.valid_from))
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(private, None)
    )


def signing_certificate(private: Ed25519PrivateKey, issuer: Issuer) -> x509.Certificate:
    """The certificate of the derived P-256 key, issued by the Ed25519 key."""
    start, end = _validity(issuer)
    return (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name(issuer.name))])
        )
        .issuer_name(root_name(issuer))
        .public_key(pdf_key(private).public_key())
        .serial_number(_serial("pdf", issuer.fingerprint, issuer.valid_from))
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # digitalSignature and nonRepudiation (contentCommitment): a signature on content
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(private, None)
    )


def stamp_font() -> Path:
    """STIX General as matplotlib ships it: a fixed file in every install (the same bytes
    for the same input) covering Nordic, Polish, Baltic and Cyrillic names, which
    pyHanko's built-in Courier cannot write. Its 1,000 units per em matter: pyHanko
    writes glyph widths unscaled, so a 2,048-unit font (DejaVu) comes out spaced apart."""
    spec = importlib.util.find_spec("matplotlib")
    folders = spec.submodule_search_locations if spec else None
    if not folders:
        raise PdfSignatureError("matplotlib, whose STIX font the stamp uses, is not installed")
    return Path(folders[0]) / "mpl-data" / "fonts" / "ttf" / "STIXGeneral.ttf"


@dataclass(frozen=True)
class Stamp:
    """A visible signature box on the first page: its text and where it goes (points)."""

    text: str
    box: tuple[int, int, int, int]


def sign_pdf(
    pdf: bytes,
    private: Ed25519PrivateKey,
    issuer: Issuer,
    signed_at: datetime,
    field_name: str = ISSUER_FIELD,
    reason: str = "",
    stamp: Stamp | None = None,
) -> bytes:
    """``pdf`` with a PAdES baseline signature appended as an incremental update.

    The signature covers the whole file as it then is; ``signed_at`` is the signing
    time written into it (fixed by the caller, so the same input gives the same bytes).
    """
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_cms import SimpleSigner
    from pyhanko.sign.signers.pdf_signer import PdfSigner, PdfSigningSession
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = pdf_key(private)

    def asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    class DeterministicSigner(SimpleSigner):
        """RFC 6979 ECDSA: the same document and key give the same signature bytes."""

        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            return key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))

    class FixedTimeSigner(PdfSigner):
        """pyHanko takes the signing time from the clock; the document's time is used."""

        def init_signing_session(
            self, pdf_out: Any, existing_fields_only: bool = False
        ) -> PdfSigningSession:
            session = super().init_signing_session(pdf_out, existing_fields_only)
            session.system_time = signed_at
            return session

    signer = DeterministicSigner(
        signing_cert=asn1(signing_certificate(private, issuer)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([asn1(root_certificate(private, issuer))]),
    )
    digest = hashlib.sha256(pdf + field_name.encode()).digest()

    class ReproducibleWriter(IncrementalPdfFileWriter):
        """pyHanko draws three things at random or from the clock; each is derived from
        the input instead, so the same input gives the same bytes: the trailer's ids
        (PDF 32000 14.4 lets a writer choose them), the modification date (the signing
        time) and the six-letter tag of an embedded font subset."""

        def __init__(self) -> None:
            super().__init__(io.BytesIO(pdf), strict=False)
            first = self.document_id[0] or digest[16:]
            self._document_id = generic.ArrayObject(  # no public setter
                [generic.ByteStringObject(first), generic.ByteStringObject(digest[:16])]
            )
            self._meta = _pinned_metadata(self.document_meta, signed_at)  # no public setter

        def get_subset_collection(self, base_postscript_name: str) -> Any:
            return _PinnedSubsetTags(super().get_subset_collection(base_postscript_name), digest)

    try:
        writer = ReproducibleWriter()
    except (PdfError, ValueError) as error:
        raise PdfSignatureError(f"not a PDF pyHanko can sign ({error})") from None
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        name=issuer.name,
        reason=reason or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    field_spec = (
        fields.SigFieldSpec(field_name, on_page=0, box=stamp.box)
        if stamp
        else fields.SigFieldSpec(field_name)
    )
    style = (
        TextStampStyle(
            stamp_text=stamp.text,
            border_width=1,
            text_box_style=TextBoxStyle(
                font=GlyphAccumulatorFactory(str(stamp_font())), font_size=8
            ),
        )
        if stamp
        else None
    )
    pdf_signer = FixedTimeSigner(metadata, signer, new_field_spec=field_spec, stamp_style=style)
    try:
        with _quiet_font_subsetting():
            output = pdf_signer.sign_pdf(writer, bytes_reserved=_SIGNATURE_BYTES)
    except (PdfError, ValueError) as error:
        raise PdfSignatureError(f"pyHanko could not sign the PDF ({error})") from None
    signed: bytes = output.getvalue()
    return signed


@contextlib.contextmanager
def _quiet_font_subsetting() -> Iterator[None]:
    """fontTools logs each font table it drops while subsetting the stamp's font (a
    warning on stderr that says nothing to a user); muted for the signing only."""
    subset_log = logging.getLogger("fontTools.subset")

    def drop(record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR

    subset_log.addFilter(drop)
    try:
        yield
    finally:
        subset_log.removeFilter(drop)


class _PinnedSubsetTags:
    """A font's subsets as pyHanko keeps them, tagging a new subset from ``seed``."""

    def __init__(self, collection: Any, seed: bytes) -> None:
        self.subsets = collection.subsets
        self._seed = seed

    def add_subset(self) -> str:
        counter = 0
        while True:
            draw = hashlib.sha256(self._seed + counter.to_bytes(4)).digest()
            tag = "".join(chr(ord("A") + value % 26) for value in draw[:6])
            if tag not in self.subsets:
                return tag
            counter += 1


def _pinned_metadata(meta: Any, signed_at: datetime) -> Any:
    """A copy of pyHanko's document metadata whose modification date, when pyHanko sets
    it to "now" while writing, becomes ``signed_at``."""
    from dataclasses import dataclass as metadata_class
    from dataclasses import fields

    from pyhanko.pdf_utils.metadata.model import DocumentMetadata

    @metadata_class
    class PinnedMetadata(DocumentMetadata):
        def __setattr__(self, name: str, value: Any) -> None:
            if name == "last_modified" and value == "now":
                value = signed_at
            super().__setattr__(name, value)

    given = {item.name: getattr(meta, item.name) for item in fields(meta) if item.init}
    return PinnedMetadata(**given)


@dataclass(frozen=True)
class PdfSignature:
    """One PDF signature as `verify` sees it."""

    field_name: str
    signer_name: str
    root_key: str  # base64 of the raw Ed25519 key the chain leads to ("" if none)
    root_fingerprint: str
    reason: str
    signed_at: str
    intact: bool  # the signed bytes hash to the signed digest
    valid: bool  # the signature verifies under the signing certificate
    covers_whole_file: bool
    changes_after: str  # "" when nothing but later signatures follows this one
    chain_problem: str  # "" when the signing certificate is issued by the root key
    box: tuple[float, float, float, float] | None = None  # where it draws, if anywhere

    def problems(self) -> list[str]:
        found = []
        if not self.intact:
            found.append("the signed bytes were changed after signing (digest mismatch)")
        elif not self.valid:
            found.append("the signature does not verify under its certificate")
        if self.changes_after:
            found.append(self.changes_after)
        if self.chain_problem:
            found.append(self.chain_problem)
        return found


def _validation_only() -> None:
    """Let ``pyhanko.sign.validation`` load without the signing machinery.

    ``pyhanko/sign/__init__.py`` only re-exports ``pyhanko.sign.signers``, which loads the
    signers, the time-stamping HTTP client (aiohttp) and cryptography's deprecated DSA:
    about half a second, and a deprecation warning, that checking a signature never uses.
    The package is registered unexecuted instead, and what its ``__init__`` exports is
    loaded from ``signers`` on first use, so signing in the same process works as ever.
    tests/certify/test_verify_imports.py checks that `verify` loads no signers and no HTTP client.
    """
    if "pyhanko.sign" in sys.modules:
        return
    spec = importlib.util.find_spec("pyhanko.sign")
    if spec is None or spec.submodule_search_locations is None:
        return
    package = importlib.util.module_from_spec(spec)

    def exported(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(importlib.import_module("pyhanko.sign.signers"), name)

    package.__getattr__ = exported  # type: ignore[method-assign]
    sys.modules["pyhanko.sign"] = package
    vars(importlib.import_module("pyhanko"))["sign"] = package  # as an import would


def read_pdf_signatures(pdf: bytes) -> list[PdfSignature]:
    """Every PDF signature in ``pdf``, validated for integrity and coverage (no trust:
    whose key is trusted is decided by the caller from ``root_key``)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    _validation_only()

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as error:  # pyHanko raises many kinds on a broken file
        raise PdfSignatureError(f"the PDF's signatures cannot be read ({error})") from None
    return [_read_one(pdf, embedded, index) for index in range(len(embedded))]


def _read_one(pdf: bytes, embedded: list[Any], index: int) -> PdfSignature:
    """Signature ``index`` of ``embedded``; a malformed one (a byte range, a date or a
    container pyHanko cannot read) is read as broken, with pyHanko's words."""
    signature = embedded[index]
    name = str(getattr(signature, "field_name", "") or "")
    try:
        return _validated(pdf, embedded, index)
    except Exception as error:  # any malformation means: not intact
        return PdfSignature(
            field_name=name,
            signer_name="",
            root_key="",
            root_fingerprint="",
            reason="",
            signed_at="",
            intact=False,
            valid=False,
            covers_whole_file=False,
            changes_after="",
            chain_problem=f"the signature is malformed ({type(error).__name__}: {error})",
        )


def _validated(pdf: bytes, embedded: list[Any], index: int) -> PdfSignature:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signature = embedded[index]
    certificates = _certificates(signature)
    leaf = certificates[0] if certificates else None
    root = _root_of(leaf, certificates[1:])
    context = ValidationContext(
        trust_roots=[_asn1(root)] if root is not None else [],
        allow_fetching=False,
    )
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
        intact, valid = bool(status.intact), bool(status.valid)
        level = status.modification_level
    except ValueError:  # pyHanko's validation errors are ValueErrors
        intact, valid, level = False, False, None
    whole = _covers_whole_file(signature, len(pdf))
    later = [other.field_name for other in embedded[index + 1 :]]
    changes = _changes_after(whole, level, later)
    root_public = root.public_key() if root is not None else None
    ours = isinstance(root_public, Ed25519PublicKey)
    return PdfSignature(
        field_name=str(signature.field_name),
        signer_name=_common_name(leaf.subject) if leaf is not None else "",
        root_key=public_key_text(root_public) if ours else "",  # type: ignore[arg-type]
        root_fingerprint=fingerprint(root_public) if ours else "",  # type: ignore[arg-type]
        reason=str(signature.sig_object.get("/Reason", "")),
        signed_at=_signing_time(signature),
        intact=intact,
        valid=valid,
        covers_whole_file=whole,
        changes_after=changes,
        chain_problem=_chain_problem(leaf, root),
        box=_widget_box(signature),
    )


def _widget_box(signature: Any) -> tuple[float, float, float, float] | None:
    """Where the signature's field draws on the page (lower left, upper right), or None
    when it draws nothing (no rectangle, or one of no area)."""
    field = signature.sig_field
    widgets = [field, *(kid.get_object() for kid in field.get("/Kids", []))]
    for widget in widgets:
        rect = widget.get("/Rect")
        if rect is None:
            continue
        x1, y1, x2, y2 = (float(value) for value in rect)
        box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        if box[2] - box[0] > 0 and box[3] - box[1] > 0:
            return box
    return None


def _asn1(certificate: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _certificates(signature: EmbeddedPdfSignature) -> list[x509.Certificate]:
    """The signer's certificate first, then the others the signature carries."""
    try:
        signer = x509.load_der_x509_certificate(signature.signer_cert.dump())
        others = [
            x509.load_der_x509_certificate(item.chosen.dump())
            for item in signature.signed_data["certificates"]
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return []
    return [signer, *(item for item in others if item != signer)]


def _root_of(
    leaf: x509.Certificate | None, others: list[x509.Certificate]
) -> x509.Certificate | None:
    """The self-signed Ed25519 certificate named as the leaf's issuer, if carried."""
    if leaf is None:
        return None
    for candidate in others:
        key = candidate.public_key()
        if candidate.subject == leaf.issuer and isinstance(key, Ed25519PublicKey):
            return candidate
    return None


def _chain_problem(leaf: x509.Certificate | None, root: x509.Certificate | None) -> str:
    if leaf is None:
        return "the signature carries no readable signing certificate"
    if root is None:
        return "the signing certificate is not issued by an isbenefit key (no Ed25519 root)"
    key = root.public_key()
    assert isinstance(key, Ed25519PublicKey)
    try:
        key.verify(root.signature, root.tbs_certificate_bytes)
        key.verify(leaf.signature, leaf.tbs_certificate_bytes)
    except InvalidSignature:
        return "the signing certificate is not signed by the key it names as its issuer"
    return ""


def _covers_whole_file(signature: EmbeddedPdfSignature, size: int) -> bool:
    ranges = [int(value) for value in signature.sig_object["/ByteRange"]]
    return ranges[0] == 0 and ranges[2] + ranges[3] == size


def _changes_after(whole: bool, level: Any, later: list[str]) -> str:
    """What follows the signature's revision that it does not cover, or ""."""
    from pyhanko.sign.diff_analysis import ModificationLevel

    if whole:
        return ""
    if not later:
        return "bytes were appended after the last signature (an incremental update)"
    if level is None or level > ModificationLevel.FORM_FILLING:
        return (
            "the file was changed after this signature beyond adding signatures "
            f"(later revisions: {', '.join(later)})"
        )
    return ""


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def _signing_time(signature: EmbeddedPdfSignature) -> str:
    when = signature.self_reported_timestamp
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when else ""


def root_certificate_pem(private: Ed25519PrivateKey, issuer: Issuer) -> bytes:
    """The root certificate as PEM, for a funder's PDF reader trust list."""
    return root_certificate(private, issuer).public_bytes(serialization.Encoding.PEM)
