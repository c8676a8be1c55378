"""Django configured from code: no settings module, no manage.py.

:func:`configure` is called once per process by every entry point (the CLI verbs, the
tests, a WSGI server) before anything touches Django. The database is a SQLite file in
isbenefit's data directory unless a URL names another (``sqlite:///PATH`` or
``postgresql://USER:PASSWORD@HOST:PORT/NAME``); the secret key is made once and kept in
the data directory with mode 600.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from isbenefit.errors import IsbenefitError
from isbenefit.messages import LANGUAGE_NAMES, LANGUAGES, LOCALE_DIR
from isbenefit.paths import data_dir
from isbenefit.service.email_url import email_settings
from isbenefit.service.factor_sets import configured as configured_factor_sets
from isbenefit.service.login_rules import axes_settings

SERVICE_DIR = "service"
SECRET_FILE = "secret_key"
DB_FILE = "service.sqlite3"
# Environment variables an operator may set (docs/service.md).
DB_ENV = "ISBENEFIT_DB"
HOSTS_ENV = "ISBENEFIT_ALLOWED_HOSTS"
VERIFY_MB_ENV = "ISBENEFIT_VERIFY_MAX_MB"
UPLOAD_MB_ENV = "ISBENEFIT_UPLOAD_MAX_MB"
UNPACKED_MB_ENV = "ISBENEFIT_UPLOAD_UNPACKED_MAX_MB"
VERIFY_RATE_ENV = "ISBENEFIT_VERIFY_PER_MINUTE"
REGISTER_RATE_ENV = "ISBENEFIT_REGISTER_PER_MINUTE"
PUBLIC_URL_ENV = "ISBENEFIT_PUBLIC_URL"
TRUSTED_PROXY_ENV = "ISBENEFIT_TRUSTED_PROXY"
HSTS_SECONDS = 365 * 24 * 3600
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ServiceConfigError(ValueError, IsbenefitError):
    """A database URL or a secret-key file the service cannot use."""


@dataclass(frozen=True)
class ServiceOptions:
    """What `serve` and the tests choose; everything else follows from these."""

    db_url: str | None = None
    data: Path | None = None
    # Secure cookies (HTTPS only): on unless the server listens on a loopback address.
    secure_cookies: bool = True
    # "queue": jobs (documents, closing a year) go through the durable queue in the
    # database, run by `isbenefit worker` (jobqueue.py); "inline": at once (tests, CLI).
    jobs: str = "queue"
    extra_hosts: tuple[str, ...] = ()
    debug: bool = False
    # The address users reach the service at (``https://example.org``): its host is
    # allowed, its origin trusted by the CSRF check, links and QR codes are built on it;
    # https makes cookies Secure and adds HSTS. None: $ISBENEFIT_PUBLIC_URL, else none.
    public_url: str | None = None
    # The proxy's address (waitress's trusted_proxy): only then is X-Forwarded-Proto
    # believed (SECURE_PROXY_SSL_HEADER). None: $ISBENEFIT_TRUSTED_PROXY, else none.
    trusted_proxy: str | None = None
    # Factor-set folders a year may be closed with, besides the shipped one (with
    # $ISBENEFIT_FACTOR_SETS; factor_sets.py).
    factor_sets: tuple[str, ...] = ()
    # Where mail goes (email_url.py); None: $ISBENEFIT_EMAIL_URL, else the console.
    email_url: str | None = None


def service_dir(data: Path | str | None = None) -> Path:
    """Where the service keeps its files: the database, keys, documents, status lists."""
    path = data_dir(data) / SERVICE_DIR
    # The database (API tokens), keys and documents live here: ours alone.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = path.stat()
    if _ours(found) and stat.S_IMODE(found.st_mode) & 0o077:
        path.chmod(0o700)
    return path


def _ours(found: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or found.st_uid == getuid()


SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_sqlite(path: Path) -> None:
    """Make the SQLite file (made empty if missing) and its -wal/-shm files mode 600.

    It holds API tokens and password hashes; SQLite makes its -wal and -shm files with
    the database file's mode, so they follow."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except FileNotFoundError as error:
        raise ServiceConfigError(f"no folder for the database {path}") from error
    else:
        os.close(descriptor)
    for companion in SQLITE_COMPANIONS:
        file = Path(f"{path}{companion}")
        if not file.exists():
            continue
        found = file.stat()
        if _ours(found) and stat.S_IMODE(found.st_mode) & 0o077:
            file.chmod(0o600)


def secret_key(folder: Path) -> str:
    """The secret key kept in ``folder`` (made on first use, mode 600); refuses a key file
    others may read."""
    path = folder / SECRET_FILE
    if not path.exists():
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as stream:
                stream.write(secrets.token_urlsafe(50))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ServiceConfigError(
            f"{path} may be read by others (mode {mode:o}); fix: chmod 600 {path}"
        )
    return path.read_text(encoding="ascii").strip()


def database(url: str | None, folder: Path) -> dict[str, Any]:
    """Django's DATABASES entry for a URL (None: the SQLite file in ``folder``)."""
    url = url or os.environ.get(DB_ENV) or ""
    if not url:
        return _sqlite(folder / DB_FILE)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db, sqlite:////absolute/path.db
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ServiceConfigError(f"{url!r} names no file; fix: sqlite:////path/to/db.sqlite3")
        return _sqlite(Path(path))
    if parts.scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
        # libpq's form for a Unix socket: postgresql://USER@/NAME?host=/socket/folder
        socket_folder = parse_qs(parts.query).get("host", [""])[0]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": socket_folder or parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ServiceConfigError(
        f"unsupported database URL {url!r}; fix: give sqlite:///FILE or "
        "postgresql://USER:PASSWORD@HOST:PORT/NAME"
    )


def _sqlite(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Concurrent page reads beside the document threads: wait for a lock, never fail.
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


# The JSON API under /api/: tokens only (no session cookie, hence no CSRF), JSON only (no
# browsable pages, which would need scripts the CSP forbids), authenticated by default.
API_SETTINGS: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "SCHEMA_COERCE_PATH_PK": False,  # OpenAPI paths as urls.py spells them: {pk}
}
OPENAPI_SETTINGS: dict[str, Any] = {
    "TITLE": "isbenefit shared ledger API",
    "DESCRIPTION": "Exchanges, confirmations, closed years' results and documents of a "
    "cluster's shared ledger. Send `Authorization: Token <key>` (`isbenefit users token "
    "EMAIL` makes one). Whatever the token's user may not see answers 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": True,
    "COMPONENT_SPLIT_REQUEST": True,
}


def public_url(url: str | None) -> str:
    """The public address as ``scheme://host[:port]`` ("" when none is given)."""
    url = (url or os.environ.get(PUBLIC_URL_ENV) or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        raise ServiceConfigError(
            f"public URL {url!r} is not an address of the service's root; "
            "fix: give e.g. https://ledger.example.org"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ServiceConfigError(f"public URL {url!r} has more than scheme, host and port")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def trusted_proxy(address: str | None) -> str:
    return (address or os.environ.get(TRUSTED_PROXY_ENV) or "").strip()


def _megabytes(variable: str, default: float) -> int:
    return int(float(os.environ.get(variable, default)) * 1024 * 1024)


def django_settings(options: ServiceOptions) -> dict[str, Any]:
    """The settings :func:`configure` gives Django (tests may read them)."""
    folder = service_dir(options.data)
    public = public_url(options.public_url)
    proxy = trusted_proxy(options.trusted_proxy)
    hosts = [
        *LOOPBACK,
        *options.extra_hosts,
        *([urlsplit(public).hostname or ""] if public else []),
        *filter(None, os.environ.get(HOSTS_ENV, "").split(",")),
    ]
    databases = database(options.db_url, folder)
    if databases["ENGINE"] == "django.db.backends.sqlite3":
        private_sqlite(Path(databases["NAME"]))
    https = public.startswith("https://")
    secure = options.secure_cookies or https
    behind_proxy: dict[str, Any] = (
        # Believed only from the declared proxy: waitress drops the header from others.
        {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")} if proxy else {}
    )
    strict: dict[str, Any] = {"SECURE_HSTS_SECONDS": HSTS_SECONDS} if https else {}
    return {
        **behind_proxy,
        **strict,
        **email_settings(options.email_url),
        **axes_settings(),
        "CSRF_TRUSTED_ORIGINS": [public] if public else [],
        "ISBENEFIT_PUBLIC_URL": public,
        "ISBENEFIT_TRUSTED_PROXY": proxy,
        "SECRET_KEY": secret_key(folder),
        "DEBUG": options.debug,
        "ALLOWED_HOSTS": hosts,
        "INSTALLED_APPS": [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            # The JSON API (docs/service.md): Django REST framework, its token model
            # (migrations shipped with it) and drf-spectacular for the OpenAPI document.
            "rest_framework",
            "rest_framework.authtoken",
            "drf_spectacular",
            # Login throttling (login_rules.py) and the second factor (second_factor.py).
            "axes",
            "django_otp",
            "django_otp.plugins.otp_totp",
            "django_otp.plugins.otp_static",
            # The durable job queue (jobqueue.py): django-tasks' API, its database backend.
            "django_tasks",
            "django_tasks_db",
            "isbenefit.service.apps.ServiceConfig",
        ],
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "isbenefit.service.security.SecurityHeadersMiddleware",
            # Before anything reads a body: the declared length against the limit.
            "isbenefit.service.security.BodyLimitMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            # The language: cookie, else Accept-Language (languages.py adds the account's).
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django_otp.middleware.OTPMiddleware",
            "isbenefit.service.languages.LanguageMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            # A session without its second factor reaches only the open pages.
            "isbenefit.service.second_factor.SecondFactorMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            # Last, as django-axes asks: turns a locked-out login into its answer.
            "axes.middleware.AxesMiddleware",
        ],
        "ROOT_URLCONF": "isbenefit.service.urls",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "autoescape": True,
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "isbenefit.service.views.membership_context",
                        "isbenefit.service.home_views.inbox_context",
                    ],
                },
            }
        ],
        "DATABASES": {"default": databases},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        # Pages and messages in the ten languages of docs/translations.md, from the one
        # catalog the documents use (isbenefit/locale, Django's domain).
        "USE_I18N": True,
        "LANGUAGE_CODE": "en",
        "LANGUAGES": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "LOCALE_PATHS": [str(LOCALE_DIR)],
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "LOGIN_URL": "/login/",
        "OTP_TOTP_ISSUER": "isbenefit",
        "LOGIN_REDIRECT_URL": "/",
        "LOGOUT_REDIRECT_URL": "/login/",
        # The framework's hasher (PBKDF2-SHA256) and validators; nothing hand-written.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
        "AUTH_PASSWORD_VALIDATORS": [
            {
                "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
                "OPTIONS": {"min_length": 10},
            },
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "PASSWORD_RESET_TIMEOUT": 7 * 24 * 3600,  # invitation links
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_AGE": 12 * 3600,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": secure,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        # Uploads: ledgers and certificates stream to temporary files beyond 2.5 MB; the
        # views refuse files beyond their own limits.
        "FILE_UPLOAD_MAX_MEMORY_SIZE": 2_621_440,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2_621_440,
        "DATA_UPLOAD_MAX_NUMBER_FIELDS": 2000,
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        "MESSAGE_STORAGE": "django.contrib.messages.storage.session.SessionStorage",
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "loggers": {
                "django": {"handlers": ["console"], "level": "WARNING"},
                # The service's own (a document job that failed, with its traceback): for
                # the operator, whatever the command line does with other logs (cli/logs).
                "isbenefit.service": {
                    "handlers": ["console"],
                    "level": "WARNING",
                    "propagate": False,
                },
                # Every login, failed or not (logins.py).
                "isbenefit.service.logins": {
                    "handlers": ["console"],
                    "level": "INFO",
                    "propagate": False,
                },
            },
        },
        "TASKS": {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}},
        "REST_FRAMEWORK": API_SETTINGS,
        "SPECTACULAR_SETTINGS": OPENAPI_SETTINGS,
        "ISBENEFIT_DATA": str(data_dir(options.data)),
        "ISBENEFIT_SERVICE_DIR": str(folder),
        "ISBENEFIT_JOBS": options.jobs,
        "ISBENEFIT_FACTOR_SETS": configured_factor_sets(options.factor_sets),
        "ISBENEFIT_VERIFY_MAX_BYTES": _megabytes(VERIFY_MB_ENV, 10),
        "ISBENEFIT_UPLOAD_MAX_BYTES": _megabytes(UPLOAD_MB_ENV, 50),
        # A web upload's workbook unzipped (the command line takes 1,000 MB): a member's
        # upload may not hold the server's memory and CPU for seconds.
        "ISBENEFIT_UPLOAD_UNPACKED_MAX_BYTES": _megabytes(UNPACKED_MB_ENV, 100),
        "ISBENEFIT_VERIFY_PER_MINUTE": int(os.environ.get(VERIFY_RATE_ENV, "30")),
        "ISBENEFIT_REGISTER_PER_MINUTE": int(os.environ.get(REGISTER_RATE_ENV, "30")),
    }


def configure(options: ServiceOptions | None = None) -> None:
    """Configure Django for this process (once; later calls change nothing)."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(**django_settings(options or ServiceOptions()))
    django.setup()


def migrate(verbosity: int = 0) -> None:
    """Bring the database to the shipped migrations (`isbenefit db upgrade`, `serve`)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
