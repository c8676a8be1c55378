"""From a context dataclass to PDF bytes: jinja2 templates, then weasyprint.

Safety: templates autoescape everything and fail on any undefined name; the
renderer fetches through :class:`AssetFetcher`, which serves the packaged
template assets and the document's own generated images and refuses anything
else (other files, network, data URLs), recording what it refused. A render
that tried to fetch a refused URL fails.

Determinism: the creation date comes from SOURCE_DATE_EPOCH when set,
attachments carry that same date, and the PDF identifier is a hash of the
content, so the same input gives the same bytes.
"""

from __future__ import annotations

import mimetypes
import os
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from isbenefit.documents.contexts import (
    IMAGE_SCHEME,
    Image,
    document_time,
    images,
    template_names,
)
from isbenefit.errors import IsbenefitError
from isbenefit.messages import (
    PAGE_OF_PAGES,
    UNREVIEWED_TRANSLATION,
    translate,
    translate_n,
)
from isbenefit.paths import templates_dir

PDF_VARIANT = "pdf/a-3b"
STYLESHEET = "style.css"
# Templates with a stylesheet of their own instead of STYLESHEET.
OWN_STYLESHEETS = {"certificate.html": "certificate.css"}


class RenderError(RuntimeError, IsbenefitError):
    """A document could not be rendered as it is."""


def templates_root() -> Path:
    """The folder of the templates and their assets (source checkout or installed wheel)."""
    return templates_dir()


class AssetFetcher(URLFetcher):
    """Serves files inside ``root`` and the given generated images; refuses the rest.

    Every URL served is kept in :attr:`fetched`, every refused one in :attr:`refused`.
    """

    def __init__(self, root: Path, generated: Mapping[str, Image] | None = None) -> None:
        super().__init__(allowed_protocols=("file", IMAGE_SCHEME))
        self.root = root.resolve()
        self.generated = dict(generated or {})
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == IMAGE_SCHEME and parts.path in self.generated:
            self.fetched.append(url)
            image = self.generated[parts.path]
            return URLFetcherResponse(url, image.data, {"Content-Type": image.media_type})
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                self.fetched.append(url)
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        raise ValueError(f"isbenefit does not fetch {url!r}: only its template assets")


@dataclass(frozen=True)
class AttachedFile:
    """A file embedded in the PDF.

    Attributes:
        name: file name shown by PDF readers.
        data: its bytes.
        description: one line saying what it is.
        relationship: PDF/A-3 AFRelationship (``Data``, ``Source``, ...).
    """

    name: str
    data: bytes
    description: str
    relationship: str = "Data"


@cache
def environment() -> jinja2.Environment:
    """The jinja environment: autoescape on, StrictUndefined, templates from the package,
    and jinja's i18n extension: ``_()`` and ``{% trans %}`` (trimmed) translate from the
    catalog of the current language (:func:`isbenefit.messages.language`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.globals["UNREVIEWED_TRANSLATION"] = UNREVIEWED_TRANSLATION
    env.globals["page_of_pages"] = page_of_pages
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translate, ngettext=translate_n, newstyle=True
    )
    return env


def page_of_pages() -> Markup:
    """The footer's page numbers in the current language, as a CSS content value: the
    sentence's text quoted, its {page} and {pages} as the page counters."""
    parts = []
    for text, name, _, _ in string.Formatter().parse(translate(PAGE_OF_PAGES)):
        if text:
            parts.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
        if name:
            parts.append(f"counter({'pages' if name == 'pages' else 'page'})")
    return Markup(" ".join(parts))


@cache
def font_configuration() -> FontConfiguration:
    """One font configuration per process: weasyprint otherwise builds a new Pango font
    map for every document and loads each font face again (about 15 ms a certificate)."""
    return FontConfiguration()


@cache
def stylesheet(name: str = STYLESHEET) -> weasyprint.CSS:
    """A stylesheet of the templates folder, parsed once per process (it fetches nothing)."""
    root = templates_root()
    return weasyprint.CSS(filename=str(root / name), url_fetcher=AssetFetcher(root))


def render_html(template: str, context: object) -> str:
    """The HTML of ``template`` for ``context`` (its fields are the top-level names)."""
    return environment().get_template(template).render(template_names(context))


def render_pdf(
    template: str,
    context: object,
    attachments: Sequence[AttachedFile] = (),
    fetcher: AssetFetcher | None = None,
) -> bytes:
    """The PDF of ``template`` for ``context``, with ``attachments`` embedded."""
    generated = {image.name: image for image in images(context)}
    html = render_html(template, context)
    css = OWN_STYLESHEETS.get(template, STYLESHEET)
    return html_to_pdf(html, generated, attachments, fetcher, stylesheet_name=css)


def html_to_pdf(
    html: str,
    generated: Mapping[str, Image] | None = None,
    attachments: Sequence[AttachedFile] = (),
    fetcher: AssetFetcher | None = None,
    stylesheet_name: str = STYLESHEET,
) -> bytes:
    """PDF/A-3b bytes of ``html`` styled by ``stylesheet_name``, resolving URLs against
    the templates folder.

    Raises RenderError when the document asked for any URL the fetcher refused.
    """
    root = templates_root()
    fetcher = fetcher if fetcher is not None else AssetFetcher(root)
    fetcher.generated.update(generated or {})
    document = weasyprint.HTML(string=html, base_url=str(root) + os.sep, url_fetcher=fetcher)
    when = document_time().replace(tzinfo=None)
    pdf = document.write_pdf(
        stylesheets=[stylesheet(stylesheet_name)],
        font_config=font_configuration(),
        pdf_variant=PDF_VARIANT,
        attachments=[
            weasyprint.Attachment(
                string=item.data,
                name=item.name,
                description=item.description,
                created=when,
                modified=when,
                relationship=item.relationship,
                url_fetcher=fetcher,
            )
            for item in attachments
        ],
    )
    if fetcher.refused:
        raise RenderError(f"the document asked for URLs it may not fetch: {fetcher.refused}")
    return cast(bytes, pdf)
