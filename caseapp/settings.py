"""One flat settings file, read from the environment (see README and .env.example)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No production default: a missing key is an error, never a guessable fallback.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (see .env.example).")
# The fund's secret for matching one person's records at several providers (clients.models.person_match_hash).
# Changing it changes every hash: run `manage.py client_match_hashes` after. No production default.
FUND_MATCH_KEY = env("FUND_MATCH_KEY", default="")
if not FUND_MATCH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set FUND_MATCH_KEY (see .env.example).")
    FUND_MATCH_KEY = "development-only-fund-match-key"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_countries",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Single-use recovery codes, for a lost authenticator.
    "django_otp.plugins.otp_static",
    "csp",
    "pgtrigger",
    "accounts",
    "clients",
    "plans",
    "reporting",
    "audit",
    "exchange",
    "privacy",
    "home",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.LatvianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Outside the session limits: a form that arrives after them is kept for its user.
    "accounts.session_timeout.KeptWorkMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "audit.middleware.AuditMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caseapp.urls"
WSGI_APPLICATION = "caseapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# PostgreSQL 15 to 18 only. Without DATABASE_URL, the project's embedded server (caseapp/embedded_db.py),
# started now if it is not running: for development and tests only (DJANGO_DEBUG=1, which `make install`
# writes to .env). Production without DATABASE_URL stops here rather than keep records in a folder of the code.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
elif not DEBUG:
    raise ImproperlyConfigured("Set DATABASE_URL: with DJANGO_DEBUG=0 the embedded development database is not used.")
else:
    from caseapp import embedded_db

    DATABASES = {"default": embedded_db.database()}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept for the next request (opening one cost ~4 ms of a page's ~15, issue 22): gunicorn's sync
# workers hold one each (docker-compose.yml's --workers, plus Celery's), well under PostgreSQL's 100. The health
# check (one round trip at a request's first query) replaces a connection the server closed meanwhile.
# psycopg's pool is not used: with one thread a worker there is nothing to share, and it excludes CONN_MAX_AGE.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=600))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# The report queries are short; PostgreSQL's JIT compiler only adds time to them. Their sorts and
# hashes over a year's contacts spill to disk with the server's default work_mem of 4 MB.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "options", f"-c jit=off -c work_mem={env.str('DATABASE_WORK_MEM', default='64MB')}"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Six failed sign-ins of one user name from one address lock that pair for 30 minutes, whether or not such a
# user exists: the staff of one office share an address, and one person's typos (or a stranger typing a
# colleague's name from elsewhere) must not lock out anyone else. An address that fails this many times over
# any names within the cool-off is locked as a whole (see accounts/lockout.py).
AXES_FAILURE_LIMIT = 6
ACCOUNTS_ADDRESS_FAILURE_LIMIT = env.int("ACCOUNTS_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy (TLS ends there), how many proxies append to X-Forwarded-For; 0 serves directly.
ACCOUNTS_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"

# The cache: sessions read from it (below), the calendar feed's request counters. Shared by every worker, so
# Redis in production (CACHE_URL, e.g. redis://redis:6379/1); a worker's own memory only for one process
# (`make run`, the tests), where nothing else would see a stale copy.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "caseapp",
            # A Redis that is down fails the request quickly rather than hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
elif not DEBUG:
    raise ImproperlyConfigured("Set CACHE_URL (redis://...): with DJANGO_DEBUG=0 several workers share the cache.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions: read from the cache, written through to the database, so that a Redis restart signs nobody out and
# loses no work kept across a timeout (accounts/session_timeout.py); the cache alone would.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Sessions end after 30 idle minutes: the session is saved again (renewing its expiry) when its last save is a
# minute old (accounts/middleware.py SessionLifetimeMiddleware), not on every request; so between 29 and 30.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ... and 12 hours after sign-in at most, however active.
SESSION_MAX_LIFETIME_SECONDS = env.int("DJANGO_SESSION_MAX_SECONDS", default=12 * 60 * 60)

# Social workers and mentors set up the second factor within 7 days of their account (accounts/grace.py), or
# of this moment if it is later: the day the requirement reached an installation with older accounts.
# An ISO date or time, e.g. 2026-12-07 (UTC unless it says otherwise).
_grace_from = datetime.fromisoformat(env.str("DJANGO_TWO_FACTOR_GRACE_FROM", default="0001-01-01"))
TWO_FACTOR_GRACE_FROM = _grace_from if _grace_from.tzinfo else _grace_from.replace(tzinfo=UTC)

LANGUAGE_CODE = "lv"
LANGUAGES = [("lv", _("Latvian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Riga"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["caseapp.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Clients' documents (scans and photos): outside any served directory, read only through the document view
# that checks who asks (clients/documents); the file names are random and say nothing about the person.
DOCUMENTS_ROOT = Path(env("DOCUMENTS_ROOT", default=str(MEDIA_ROOT / "documents")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENTS_ROOT), "base_url": None, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploads (imports) are refused above this size, before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Rows of one file (blank ones too): an upload's files, and those of a folder or workbook given by path
# (the command; a national decade has about 2.5 million contacts). A longer file is refused with one error.
IMPORT_MAX_UPLOAD_ROWS = env.int("IMPORT_MAX_UPLOAD_ROWS", default=500_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000_000)
# An .xlsx workbook's parts, unpacked, together: checked from the zip's directory before it is read.
IMPORT_MAX_WORKBOOK_BYTES = env.int("IMPORT_MAX_WORKBOOK_BYTES", default=200 * 1024 * 1024)
# A closed case's identifying data is kept this many days after the service ended, then anonymised.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=1826)

OTP_TOTP_ISSUER = "Klientu lietas"

# Filters offer "All" rather than a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# The morning reminders (reminders/): sent over SMTP; printed to the console under `make run` (DEBUG).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# The application's address as its users reach it, for the links in messages and calendars (no trailing slash).
SITE_URL = (env("SITE_URL", default="") or "http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: strict in production (DEBUG off), usable over plain http in development.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages load nothing from third parties and run no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Charts are SVG with style attributes; no style comes from elsewhere.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Celery: unset broker means tasks run in the web process (one command runs everything).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
# Above the hard time limit, so a running task is never handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # The previous month's report of every provider with a contract, waiting in the archive.
    "monthly-reports": {
        "task": "reporting.tasks.monthly_reports_task",
        "schedule": crontab(day_of_month="1", hour="2", minute="0"),
    },
    # Re-send report jobs left queued while the broker was down, or whose worker died.
    "report-jobs-sweep": {"task": "reporting.tasks.report_jobs_sweep_task", "schedule": 300.0},
    # Archived reports whose period a later (back-dated) record touched, made again and compared (restatements).
    "report-restatements-check": {"task": "reporting.tasks.restatements_check_task", "schedule": 600.0},
    # Expired sessions (with the typed work kept across a timeout) and spent form tokens.
    "short-lived-rows-clear": {"task": "accounts.tasks.short_lived_rows_clear_task", "schedule": 3600.0},
    # Each staff member's morning message of what needs them (CELERY_TIMEZONE: Europe/Riga).
    "morning-reminders": {
        "task": "reminders.tasks.morning_reminders_task",
        "schedule": crontab(hour="7", minute="0"),
    },
    # Files of clients' documents left without their row (a rolled-back upload).
    "document-orphans-remove": {
        "task": "clients.tasks.document_orphans_remove_task",
        "schedule": crontab(hour="3", minute="30"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
