"""The translation catalogs: extract, update, compile and check them (Babel).

    python scripts/catalogs.py extract   templates and messages -> isbenefit/locale/django.pot
    python scripts/catalogs.py update    merge the .pot into every language's django.po
    python scripts/catalogs.py compile   every django.po -> django.mo (what isbenefit reads)
    python scripts/catalogs.py check     exit 1 when a .mo translates otherwise than its .po

One catalog per language, isbenefit/locale/LANG/LC_MESSAGES/django.po: the documents, the
ledger template and the web service read the same one (Django reads the domain `django`).
The compiled .mo files are committed, so that an installed isbenefit never compiles at
run time; tests/i18n/test_catalogs.py fails when one translates otherwise than its .po.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "isbenefit" / "locale"
POT = LOCALE / "django.pot"
KEYWORDS = ("N_", "N_n:1,2", "_", "gettext", "ngettext:1,2")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def compiled(po: Path) -> bytes:
    """The .mo bytes of ``po`` (fuzzy entries left out, as gettext does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract_django(fileobj, keywords, comment_tags, options):  # type: ignore[no-untyped-def]
    """Babel extractor for the service's Django templates: Django's own templatize turns
    {% translate %} and {% blocktranslate %} into gettext calls, read as Python."""
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    code = templatize(fileobj.read().decode("utf-8"))
    return extract_python(io.BytesIO(code.encode("utf-8")), keywords, comment_tags, options)


def extract_contract(fileobj, keywords, comment_tags, options):  # type: ignore[no-untyped-def]
    """Babel extractor for the ledger contract: its N_ texts, and each column's meaning and
    unit (the ledger template's header comments), read from the contract's tables."""
    from babel.messages.extract import extract_python

    from isbenefit.ledger.contract import SHEETS

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for sheet in SHEETS.values():
        for column in sheet.columns:
            for text in (column.meaning, column.unit):
                if text and any(letter.isalpha() for letter in text) and len(text) > 1:
                    yield 0, None, text, [f"ledger column {sheet.name}.{column.name}"]


def extract() -> None:
    from babel.messages.frontend import CommandLineInterface

    args = ["pybabel", "-q", "extract", "-F", str(REPO / "babel.cfg"), "--no-location",
            "--omit-header", "--sort-output", "-o", str(POT)]  # fmt: skip
    for keyword in KEYWORDS:
        args += ["-k", keyword]
    sys.path.insert(0, str(REPO))
    CommandLineInterface().run([*args, str(REPO)])


def update() -> None:
    """Merge the .pot into each language's catalog, keeping its header (who translated and
    reviewed it) and its translations; a message no longer marked is dropped, and one whose
    English changed keeps its old translation as fuzzy."""
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po, write_po

    from isbenefit.messages import LANGUAGES, SOURCE_LANGUAGE

    with POT.open("rb") as handle:
        template = read_po(handle)
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        po = po_path(lang)
        if not po.exists():
            po.parent.mkdir(parents=True, exist_ok=True)
            CommandLineInterface().run(["pybabel", "-q", "init", "-i", str(POT), "-l", lang,
                                        "-o", str(po), "--no-wrap"])  # fmt: skip
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        # A message whose English changed keeps its old translation, marked fuzzy: the
        # catalog test fails on it until a translator has checked it (it is not lost).
        catalog.update(template, update_creation_date=False)
        for message in catalog:
            message.auto_comments = []  # the extractor's notes stay in the .pot
        out = io.BytesIO()
        write_po(out, catalog, width=0, no_location=True, ignore_obsolete=True)
        po.write_bytes(out.getvalue())


def compile_all() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        po.with_suffix(".mo").write_bytes(compiled(po))


def translations(mo: bytes) -> dict[tuple[object, object], object]:
    """What a .mo file translates: (message, context) -> translation. The header entry is
    left out: it names the Babel version that compiled it, which says nothing of the
    translations, and another Babel release compiles the same catalog to other bytes."""
    from babel.messages.mofile import read_mo

    def key(message_id: object) -> object:  # a plural message's id is a list of forms
        return tuple(message_id) if isinstance(message_id, list | tuple) else message_id

    return {(key(m.id), m.context): m.string for m in read_mo(io.BytesIO(mo)) if m.id}


def check() -> int:
    stale = [
        str(po.relative_to(REPO))
        for po in sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
        if not po.with_suffix(".mo").is_file()
        or translations(po.with_suffix(".mo").read_bytes()) != translations(compiled(po))
    ]
    for name in stale:
        sys.stderr.write(f"{name}: its .mo is not its compile; run scripts/catalogs.py compile\n")
    return 1 if stale else 0


def main() -> int:
    sys.path.insert(0, str(REPO))
    steps = {"extract": extract, "update": update, "compile": compile_all}
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "check":
        return check()
    if command not in steps:
        sys.stderr.write(__doc__ or "")
        return 2
    steps[command]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
