"""Concierge settings, read from the environment.

Every setting a deployment changes comes from an environment variable; the defaults run the
embedded configuration (SQLite under ``var/``) with no other server.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("CONCIERGE_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def load_secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/ (demo and tests)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = load_secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The site's address in links it writes (booking links, emails). Unset, it is where `concierge serve`
# listens: 127.0.0.1 on $PORT (`PORT=8080 make demo` writes links to :8080); `serve --port`/`--host`
# set it for the process they start (core.management.production_server.follow_the_served_address).
PORT = os.environ.get("PORT", "8000").strip()
PUBLIC_URL = (
    os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{PORT if PORT.isdigit() else '8000'}"
).rstrip("/")

INSTALLED_APPS = [
    "concierge.web.apps.BackOfficeConfig",  # Django's admin, for the superuser only (web/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' own copy of Swagger UI (no CDN)
    "django_tasks",
    "django_tasks_db",
    # Concierge's apps, from the ground floor up (docs/architecture.md): an app imports only those
    # listed before it, and reacts to their announcements in this order.
    "concierge.core",
    "concierge.workspaces",
    "concierge.contacts",
    "concierge.events",
    "concierge.conversations",
    "concierge.meetings",
    "concierge.helpcenter",
    "concierge.mail",
    "concierge.routing",
    "concierge.replies",
    "concierge.bot",
    "concierge.live",
    "concierge.outbound",
    "concierge.messenger",
    "concierge.insights",
    "concierge.reports",
    "concierge.web",
    "concierge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "concierge.core.security_headers.SecurityHeadersMiddleware",
    "concierge.core.request_guard.RefuseNulCharactersMiddleware",
    "concierge.core.database_busy.AnswerBusyDatabaseMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "concierge.urls"
WSGI_APPLICATION = "concierge.wsgi.application"
ASGI_APPLICATION = "concierge.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


# SQLite lets one writer in at a time. A request that must write waits this long for the writer before
# it (a large `events import` holds the database for its whole run), then is answered 503 with
# Retry-After (core.database_busy). The importer and the worker wait LONG_WRITE_WAIT_SECONDS instead
# (core.db.waiting_for_a_busy_database). PostgreSQL makes writers wait only for the same rows: the
# same waits apply to those (lock_timeout).
WEB_WRITE_WAIT_SECONDS = float(os.environ.get("WEB_WRITE_WAIT_SECONDS", "10"))
LONG_WRITE_WAIT_SECONDS = float(os.environ.get("LONG_WRITE_WAIT_SECONDS", "600"))


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on the busy timeout instead of failing on a lock upgrade. Connections are kept
        # like PostgreSQL's: a new one reads the whole schema again on its first statement (about 7 ms
        # of a 50-row list's 11, measured), and `serve`'s threads live as long as their process.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": WEB_WRITE_WAIT_SECONDS,
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Writers wait only for the rows they change; as long for rows another transaction holds
        # (the contacts a running import names), then they give up (core.database_busy).
        lock_timeout = f"-c lock_timeout={round(WEB_WRITE_WAIT_SECONDS * 1000)}"
        config.setdefault("OPTIONS", {})["options"] = lock_timeout
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'concierge.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# How long an emailed password reset link works (seconds); it also stops working once used.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60)))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Files people send (email attachments, the raw messages kept): through Django's storage API.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served as such: each file is served by a view that checks the workspace
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Mail: SMTP out. EMAIL_HOST/PORT point at the relay; the tests run a real SMTP server on loopback.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file backend (demo)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Concierge <support@concierge.localhost>")

# The email channel (docs/mail.md). A message larger than MAIL_MAX_MESSAGE_BYTES is refused (SMTP 552,
# HTTP 413); an attachment over MAIL_MAX_ATTACHMENT_BYTES or of a refused type is left out, noted on
# the message. `concierge mail listen` (and the demo) listens on SMTP_PORT.
MAIL_MAX_MESSAGE_BYTES = int(os.environ.get("MAIL_MAX_MESSAGE_BYTES", str(25 * 1024 * 1024)))
MAIL_MAX_ATTACHMENT_BYTES = int(os.environ.get("MAIL_MAX_ATTACHMENT_BYTES", str(15 * 1024 * 1024)))
# A file a customer sends in the messenger (docs/messenger.md): at most this many bytes, of the types
# messenger.services.ALLOWED_TYPES names.
MESSENGER_MAX_ATTACHMENT_BYTES = int(os.environ.get("MESSENGER_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
MAIL_REFUSED_ATTACHMENT_TYPES = env_list(
    "MAIL_REFUSED_ATTACHMENT_TYPES", ".exe,.bat,.cmd,.com,.scr,.msi,.vbs,.js,.jar,.ps1,.dll"
)
MAIL_SEND_ATTEMPTS = int(os.environ.get("MAIL_SEND_ATTEMPTS", "5"))
# A teammate's messenger reply the customer has not seen after this many seconds goes to them by
# email (docs/messenger-setup.md).
MESSENGER_OFFLINE_EMAIL_AFTER = int(os.environ.get("MESSENGER_OFFLINE_EMAIL_AFTER", "300"))
SMTP_PORT = int(os.environ.get("SMTP_PORT", "2525"))

# Background work: the database is the queue (django-tasks-db); RQ on Redis for the largest installs.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
X_FRAME_OPTIONS = "DENY"

# How many reverse proxies stand in front of `concierge serve` (0: clients connect directly). With
# one or more, X-Forwarded-Proto says whether the request came over HTTPS and the client's address
# is read from X-Forwarded-For, that many hops from its right end.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Security headers. Content-Security-Policy, Permissions-Policy and Cross-Origin-Resource-Policy come
# from core.security_headers (one view may widen the policy for its own response); the rest from
# Django's SecurityMiddleware. HSTS is sent on HTTPS requests only.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)

# LOG_LEVEL is what gets printed, whichever logger raised its own level: the task queue's worker
# sets its logger to INFO (a line as each task starts and ends), which stays quiet unless asked for.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Limits on booking 1:1 sessions without being verified (a public booking link, the messenger's
# anonymous visitor; docs/meetings.md, "Who books"): the upcoming sessions still waiting for their
# email confirmation that one client address, one email address and one booking link may hold, and
# the booking attempts one client address may make in an hour. A verified customer is not limited.
MEETINGS_UNCONFIRMED_PER_ADDRESS = int(os.environ.get("MEETINGS_UNCONFIRMED_PER_ADDRESS", "5"))
MEETINGS_UNCONFIRMED_PER_EMAIL = int(os.environ.get("MEETINGS_UNCONFIRMED_PER_EMAIL", "3"))
MEETINGS_UNCONFIRMED_PER_LINK = int(os.environ.get("MEETINGS_UNCONFIRMED_PER_LINK", "20"))
MEETINGS_BOOKING_ATTEMPTS_PER_HOUR = int(os.environ.get("MEETINGS_BOOKING_ATTEMPTS_PER_HOUR", "20"))

# Limits that bad input runs into (answered with a 4xx, never a 500).
MAX_MESSAGE_LENGTH = 20_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
