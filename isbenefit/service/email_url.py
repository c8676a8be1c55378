"""Where the service's mail goes, from one URL (``serve --email-url`` or
``$ISBENEFIT_EMAIL_URL``): ``smtp://USER:PASSWORD@HOST:PORT`` (plain SMTP),
``smtp+tls://...`` (STARTTLS), ``smtp+ssl://...`` (TLS from the start), ``console://``
(printed on the console, the default: it works out of the box), ``locmem://`` (kept in
memory, the tests). The sender is ``?from=ADDRESS`` or ``$ISBENEFIT_EMAIL_FROM``."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from isbenefit.errors import IsbenefitError

EMAIL_URL_ENV = "ISBENEFIT_EMAIL_URL"
FROM_ENV = "ISBENEFIT_EMAIL_FROM"
BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}


class EmailUrlError(ValueError, IsbenefitError):
    """An email URL the service cannot use."""


def email_settings(url: str | None) -> dict[str, Any]:
    """Django's EMAIL_* settings for ``url`` (None: the environment's, else the console)."""
    url = (url or os.environ.get(EMAIL_URL_ENV) or "console://").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    sender = os.environ.get(FROM_ENV) or parse_qs(parts.query).get("from", [""])[0]
    common = {"DEFAULT_FROM_EMAIL": sender or "isbenefit@localhost", "EMAIL_TIMEOUT": 20}
    if scheme in {"console", "locmem"}:
        return {**common, "EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl"} or not parts.hostname:
        raise EmailUrlError(
            "unsupported email URL (the password is not repeated here); fix: give "
            "smtp://USER:PASSWORD@HOST:PORT, smtp+tls://... or smtp+ssl://..., or console://"
        )
    return {
        **common,
        "EMAIL_BACKEND": BACKENDS["smtp"],
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls",
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
    }
