"""Document rendering figures (a benchmark that prints, not a test).

    .venv/bin/python bench/bench_documents.py [--orgs 500] [--repeat 5]

Prints the time per certificate and per statement as a ratio to rendering a bare
one-page HTML document with weasyprint in the same run (the floor of any PDF),
the wall time of the batch code writing statements for N synthetic organisations on
all cores, and the time of the annual report of that cluster. Targets: certificate
within 2x the floor; 500 statements in under 3 minutes on 2 cores.

Two more floors say where a certificate's time goes: the bare page rendered with the
font configuration the documents share within a process, and the certificate's own
text (extracted from its PDF) as unstyled paragraphs, which costs what laying out and
writing that much text costs in weasyprint whatever the design.
"""

from __future__ import annotations

import argparse
import html
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint
from pypdf import PdfReader

from isbenefit.documents import certificate_pdf, report_pdf, statement_pdf
from isbenefit.documents.batch import default_workers, plan, run_batch
from isbenefit.documents.claim import claim_exchange_ids
from isbenefit.documents.render import font_configuration
from isbenefit.documents.sample import sample_results
from isbenefit.documents.shares import organisations_in_year

BARE_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>bare</title></head>'
    '<body style="font-family: DejaVu Sans"><h1>Bare page</h1>'
    "<p>One paragraph of text on one A4 page.</p></body></html>"
)


def text_page(pdf: bytes) -> str:
    """The text of a PDF's first page as bare HTML paragraphs, one per line."""
    lines = (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").splitlines()
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return BARE_PAGE.replace("<h1>Bare page</h1><p>One paragraph of text on one A4 page.</p>", body)


def timed(work: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` runs after one warm-up run."""
    work()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1735689600")

    small = sample_results()
    org = "org002"
    rows = {
        "exchanges": [{"id": x, "quantity": "1"} for x in claim_exchange_ids(small, org, "2024")]
    }
    fonts = font_configuration()
    same_text = text_page(certificate_pdf(small, org, "2024", rows))
    floor = timed(lambda: weasyprint.HTML(string=BARE_PAGE).write_pdf(), args.repeat)
    floor_shared = timed(
        lambda: weasyprint.HTML(string=BARE_PAGE).write_pdf(font_config=fonts), args.repeat
    )
    text_floor = timed(
        lambda: weasyprint.HTML(string=same_text).write_pdf(font_config=fonts), args.repeat
    )
    cert = timed(lambda: certificate_pdf(small, org, "2024", rows), args.repeat)
    stmt = timed(lambda: statement_pdf(small, org, "2024"), args.repeat)
    print(f"bare one-page HTML (floor): {floor * 1000:7.1f} ms")
    print(f"  with shared fonts:        {floor_shared * 1000:7.1f} ms")
    print(f"  certificate's text, bare: {text_floor * 1000:7.1f} ms")
    print(
        f"certificate:                {cert * 1000:7.1f} ms  = {cert / floor:4.2f} x floor, "
        f"{cert / floor_shared:4.2f} x with shared fonts, {cert / text_floor:4.2f} x its bare text"
    )
    print(f"statement:                  {stmt * 1000:7.1f} ms  = {stmt / floor:4.2f} x floor")

    names = [f"Organisation {index:03d} Ø{chr(0x410 + index % 32)}" for index in range(args.orgs)]
    big = sample_results(names, exchanges_per_org=2)
    orgs = organisations_in_year(big, "2024")
    workers = default_workers()
    with tempfile.TemporaryDirectory() as folder:
        jobs = plan("statement", orgs, "2024", Path(folder))
        start = time.perf_counter()
        outcomes = run_batch(big, jobs, workers=workers)
        elapsed = time.perf_counter() - start
    failed = sum(1 for outcome in outcomes if outcome.error)
    print(
        f"{len(orgs)} statements, {workers} workers: {elapsed:6.1f} s "
        f"({elapsed / max(len(orgs), 1) * 1000:.0f} ms each, {failed} failed; target < 180 s)"
    )

    start = time.perf_counter()
    report = report_pdf(big, "2024")
    elapsed = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(report)).pages)
    print(
        f"annual report of those {len(orgs)} organisations ({len(big['exchanges'])} exchanges): "
        f"{elapsed:5.1f} s, {pages} pages"
    )


if __name__ == "__main__":
    main()
