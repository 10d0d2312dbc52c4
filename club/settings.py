"""Settings of the Club degli Esportatori portal.

One module, configured by environment variables only (see README "Configuration"). DEBUG is off
unless set, and then a real SECRET_KEY is required; `manage.py check --deploy` passes once
production values are given (SECRET_KEY, ALLOWED_HOSTS, HTTPS).
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the content of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env_str(name, default) or "").split(",") if item.strip()]


# Off unless set: `make run`, `make test` and the benchmarks set DEBUG=true themselves.
DEBUG = env_bool("DEBUG", False)
# With DEBUG off the published keys (the development one here, the placeholder of .env.example)
# and short keys are refused, so none of them can sign sessions or email links in production.
_DEV_SECRET_KEY = "django-insecure-dev-only-key-club-esportatori-valtellina"  # noqa: S105
_PLACEHOLDER_SECRET_KEY = "change-me-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  # noqa: S105 - .env.example
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET_KEY
_KEY_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "Set SECRET_KEY (or SECRET_KEY_FILE): DEBUG is off and SECRET_KEY is the development key; "
        + _KEY_HINT
    )
if not DEBUG and SECRET_KEY == _PLACEHOLDER_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the placeholder of .env.example and DEBUG is off: " + _KEY_HINT
    )
if not DEBUG and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"SECRET_KEY has {len(SECRET_KEY)} characters and DEBUG is off: it needs at least "
        f"{SECRET_KEY_MIN_LENGTH} characters; " + _KEY_HINT
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# The Camera's legal name, as printed on documents it issues (the attendance certificates).
CAMERA_NAME = (
    env_str("CAMERA_NAME") or "Camera di Commercio, Industria, Artigianato e Agricoltura di Sondrio"
)

INSTALLED_APPS = [
    # Before the admin, so its admin classes and the translated fields load first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "simple_history",
    # Staff's import of partners from a sheet (partners/imports.py): its admin templates.
    "import_export",
    # The project's own apps, bottom of the stack first (docs/architecture.md).
    "core",
    "notifications",
    "members",
    "missions",
    "board",
    "partners",
    "checkup",
    "missionday",
    "privacy",
    "staff",
    "pages",
    "health",
    "club",
]

MIDDLEWARE = [
    # First, so that every log line of the request and every response (redirects included)
    # carry the request id (core/logs.py).
    "core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before WhiteNoise, so static files (an SVG opened as a document) cannot be framed either.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Audit trail: records who made each change (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "club.urls"
WSGI_APPLICATION = "club.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.membership",
                "notifications.context_processors.inbox",
            ],
        },
    },
]


# --- Data stores -------------------------------------------------------------------------------
# PostgreSQL everywhere: `make run` and `make test` start a project-local one and set DATABASE_URL.
def _local_services() -> dict[str, str]:
    """URLs of the project-local PostgreSQL/Redis that `make services` wrote to var/."""
    path = BASE_DIR / "var" / "services.env"
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


DATABASE_URL = env_str("DATABASE_URL") or (DEBUG and _local_services().get("DATABASE_URL"))
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start a local PostgreSQL, "
        "or point DATABASE_URL at your server (postgres://user:password@host:port/name)."
    )
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}

REDIS_URL = (
    env_str("REDIS_URL")
    or (DEBUG and _local_services().get("REDIS_URL"))
    or "redis://127.0.0.1:6379/0"
)
CACHES = {
    "default": {
        "BACKEND": "core.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "club",
        # A Redis outage must not hang a request: fail fast, callers degrade.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Rendered HTML fragments (core/fragment_cache.py): an unreachable Redis is a miss, not an
    # error.
    "fragments": {
        "BACKEND": "core.fragment_cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "club-fragments",
        "TIMEOUT": 600,  # also bounds how long a missed version bump (Redis down) can show
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
    # Where a fragment must not be cached (core/templatetags/fragments.py): stores nothing.
    "uncached": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Sessions (core/sessions.py): read from here, kept in PostgreSQL; unreachable is a miss.
    "sessions": {
        "BACKEND": "core.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "club-sessions",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
}
# No database round trip per request for the session; PostgreSQL stays the source of truth.
SESSION_ENGINE = "core.sessions"
SESSION_CACHE_ALIAS = "sessions"

# --- Auth and allauth ---------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
# Django's and allauth's backends, reading the signed-in user from Redis (core/auth.py).
AUTHENTICATION_BACKENDS = [
    "core.auth.ModelBackend",
    "core.auth.AllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_firm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupConsentForm"
# Its emails: in the recipient's language, branded, multipart, sent by a worker (outbox).
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Club Esportatori] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's default rate limits stay on; they count in the Redis cache above.
# Behind N reverse proxies of ours (each appending to X-Forwarded-For) the client is the N-th
# address from the right; with 0 (no proxy) the header is ignored, so it cannot be forged.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # German partners asking for a new sign-in link (partners.views.signin_request).
    "partner_link": "10/m/ip,3/15m/key",
}
TERMS_VERSION = "2026-11"
# Two-factor authentication (TOTP apps, recovery codes). Staff must activate it before they
# reach the admin or the dashboard (core.middleware.StaffMFARequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Club degli Esportatori"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English")), ("de", _("Deutsch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content in the reader's language (django-modeltranslation, docs/architecture.md "Translated
# content"): each translated field has a column per language (title_it, title_en, title_de);
# reading `title` gives the active language's text, or the Italian when that one is empty.
MODELTRANSLATION_DEFAULT_LANGUAGE = "it"
MODELTRANSLATION_LANGUAGES = ("it", "en", "de")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("it",)
# Code that creates a row naming the plain field (`Mission(title=…)`, seeds, factories) also
# fills the Italian column, whatever language is active: the fallback is never left empty.
MODELTRANSLATION_AUTO_POPULATE = "required"
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
# Dates in each language's format (core/formats/<lang>/formats.py over Django's own): German
# "25. Dezember 2026", Italian "25 dicembre 2026"; templates use named formats, never "j F Y".
FORMAT_MODULE_PATH = ["core.formats"]

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]


def media_storage() -> dict[str, object]:
    """Where uploads go: an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, else disk.

    Several web nodes need the bucket (each node's disk holds only its own uploads). The objects
    stay private (the store's default: no ACL is sent unless AWS_DEFAULT_ACL says one, and some
    stores refuse ACLs) and no code hands out their URLs: the views that check access read them
    through the storage and stream them (members:firm_logo, board:attachment).
    """
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # Unset: boto3's own chain (instance role, ~/.aws, the AWS_* variables).
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            "location": env_str("AWS_LOCATION") or "",
            "default_acl": env_str("AWS_DEFAULT_ACL") or None,
            # Should a URL ever be asked for, it is signed and short-lived, never public.
            "querystring_auth": True,
            "querystring_expire": 300,
            # A name in use gets another one (core.uploads.store refuses that), never overwritten.
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Uploaded files (firm logos, board attachments; see core/uploads.py) -------------------------
# Never served by URL: no media URL pattern, no WhiteNoise. Files go out only through views that
# check access (members:firm_logo, board:attachment). MEDIA_URL stays only because Django wants
# one; nothing answers under it.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "media/"
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Files up to 2.5 MB are parsed in memory, larger ones spool to a temporary file...
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# ...but never more than this per file: the largest accepted upload (an attachment, 5 MB).
# Past it core.uploads.HardLimitUploadHandler drops the bytes and the form says "too big".
UPLOAD_HARD_LIMIT = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.HardLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The non-file part of a request (form fields): posts are at most 20,000 characters.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A post takes at most 3 attachments per request; anything far beyond is refused outright (400).
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Backups (`manage.py backup` / `restore`, core/backup.py) -----------------------------------
# pg_dump and pg_restore of the server's major version come from PG_BIN_DIR, or from PATH when it
# is empty. `make` targets and the test suite set it to the local PostgreSQL's own binaries.
PG_BIN_DIR = env_str("PG_BIN_DIR") or ""
if not PG_BIN_DIR and DEBUG:
    PG_BIN_DIR = _local_services().get("PG_BIN_DIR", "")
# Where `manage.py backup` writes its folders unless given --output.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or BASE_DIR / "var" / "backups")

# --- Email ---------------------------------------------------------------------------------------
# EMAIL_BACKEND: smtp (when EMAIL_HOST is set), file (development default, var/mail) or console.
# With DEBUG off, file and console must be chosen explicitly: a missing EMAIL_HOST is an error.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Club Esportatori <club@so.camcom.it>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_kind = env_str("EMAIL_BACKEND") or ("smtp" if env_str("EMAIL_HOST") else "file")
if not DEBUG and not env_str("EMAIL_BACKEND") and _email_kind != "smtp":
    # Production without a relay would write every account email (reset links too) to disk.
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set: set it to the SMTP relay (or EMAIL_BACKEND=file or console "
        "on purpose)."
    )
if _email_kind == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "core.mail.SMTPBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST") or "localhost",
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER") or "",
                "password": env_str("EMAIL_HOST_PASSWORD") or "",
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
elif _email_kind == "file":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(env_str("EMAIL_FILE_PATH") or BASE_DIR / "var" / "mail")},
        }
    }
elif _email_kind == "console":
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured(f"EMAIL_BACKEND={_email_kind!r}: use smtp, file or console.")

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = None  # tasks report through PostgreSQL rows, not results
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a request when Redis is down: give up fast, the outbox sweeper
# re-enqueues later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Static schedule (django-celery-beat does not support Django 6.1). Reminders are periodic scans,
# never long-countdown tasks (those would outlive the broker's visibility timeout).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notifications-sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    "missions-reminders": {"task": "missions.tasks.scan_reminders", "schedule": 15 * 60.0},
    "missions-expire-offers": {"task": "missions.tasks.expire_offers", "schedule": 5 * 60.0},
    # Matchmaking runs whose task was lost or whose worker died: re-queue or fail them.
    "missions-sweep-matchmaking-runs": {
        "task": "missions.tasks.sweep_matchmaking_runs",
        "schedule": 60.0,
    },
    "missions-meeting-followups": {
        "task": "missions.tasks.send_followup_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # Invitations whose email task was lost (broker down) or gave up: send them again.
    "members-sweep-invitations": {
        "task": "members.tasks.sweep_invitations",
        "schedule": 5 * 60.0,
    },
    # The same for the German partners' invitations to missions.
    "partners-sweep-invitations": {
        "task": "partners.tasks.sweep_invitations",
        "schedule": 5 * 60.0,
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    # Retention (privacy/retention.py; also `manage.py purge`), at night, one after the other.
    "privacy-purge-sessions": {
        "task": "privacy.tasks.purge_sessions",
        "schedule": crontab(hour=3, minute=0),
    },
    "privacy-purge-notifications": {
        "task": "privacy.tasks.purge_notifications",
        "schedule": crontab(hour=3, minute=10),
    },
    # Hourly: each run stops after two minutes (privacy.retention.ACCOUNTS_BUDGET).
    "privacy-purge-unverified-accounts": {
        "task": "privacy.tasks.purge_unverified_accounts",
        "schedule": crontab(minute=20),
    },
    "privacy-purge-orphan-files": {
        "task": "privacy.tasks.purge_orphan_files",
        "schedule": crontab(hour=3, minute=30),
    },
    # The satisfaction survey goes out the morning after a mission ends (once per mission).
    "missionday-send-surveys": {
        "task": "missionday.tasks.send_due_surveys",
        "schedule": crontab(hour=10, minute=0),
    },
}
# Retention: read notifications are kept this many days; accounts whose address nobody confirmed
# are deleted this many days after signing up; a stored file no row points to is deleted once it
# is this many hours old (younger ones may be uploads whose row is not committed yet).
NOTIFICATIONS_READ_RETENTION_DAYS = env_int("NOTIFICATIONS_READ_RETENTION_DAYS", 180)
UNVERIFIED_ACCOUNT_RETENTION_DAYS = env_int("UNVERIFIED_ACCOUNT_RETENTION_DAYS", 30)
ORPHAN_FILE_GRACE_HOURS = env_int("ORPHAN_FILE_GRACE_HOURS", 24)
# Base of the exponential backoff between email attempts (capped at 15 minutes).
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
# Account emails (verification, password reset, codes) that fail transiently (relay down) are
# retried, with that backoff, for this many hours after they were queued, then dropped (ERROR).
ACCOUNT_EMAIL_RETRY_HOURS = env_int("ACCOUNT_EMAIL_RETRY_HOURS", 24)

# --- Health (/health/live, /health/ready; README "Health") ----------------------------------------
# Readiness fails when beat's last run (the outbox sweeper, every minute) or the oldest email still
# to send is older than these (seconds); a worker must answer a ping within HEALTH_CELERY_TIMEOUT.
HEALTH_BEAT_MAX_AGE = env_int("HEALTH_BEAT_MAX_AGE", 5 * 60)
HEALTH_OUTBOX_MAX_AGE = env_int("HEALTH_OUTBOX_MAX_AGE", 30 * 60)
HEALTH_CELERY_TIMEOUT = 1.0
HEALTH_REDIS_TIMEOUT = 1.0

# `make test-deploy` (tools/deploy_check.py) only: routes /deploy-check/500/, which raises, so the
# check sees the 500 page through the production stack. Never set it in production.
DEPLOY_CHECK_ERROR_URL = env_bool("DEPLOY_CHECK_ERROR_URL", False)

# --- Invitations ---------------------------------------------------------------------------------
# How many colleagues a firm may invite in 24 hours, and for how many days a link stays valid.
INVITATIONS_PER_FIRM_PER_DAY = env_int("INVITATIONS_PER_FIRM_PER_DAY", 20)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
# The German partners' sign-in links (partners/): used once, valid this many hours.
PARTNER_LINK_VALID_HOURS = env_int("PARTNER_LINK_VALID_HOURS", 72)
# The mission day's satisfaction survey: its personal (signed) link stays valid this many days.
SURVEY_LINK_VALID_DAYS = env_int("SURVEY_LINK_VALID_DAYS", 60)

# --- Security ------------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes call the container's plain-HTTP port directly: the health endpoints answer there.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# HSTS preload is a near-irreversible commitment for the whole parent domain, which belongs to the
# Camera, not to this portal: it stays opt-in, so its deploy warning is silenced while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form (expired page, cookies off) gets the portal's page, not Django's English one.
CSRF_FAILURE_VIEW = "pages.views.csrf_failure"
# Content-Security-Policy on every response (Django's built-in middleware): only our own files,
# scripts only from us or with the per-request nonce, no inline styles or scripts, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Logs and errors (core/logs.py, core/sentry.py) -----------------------------------------------
# LOG_FORMAT: json (one object per line, for a log collector; the default with DEBUG off) or plain.
# Every line carries the request id (core/logs.py) and, in a Celery task, the task id.
LOG_FORMAT = env_str("LOG_FORMAT") or ("plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or plain.")
LOG_LEVEL = env_str("LOG_LEVEL") or "INFO"


def env_addresses(name: str) -> list[str]:
    """NAME as a list of email addresses: "Name <a@example.it>, b@example.it"."""
    from email.utils import formataddr, getaddresses

    value = env_str(name) or ""
    parsed = getaddresses([value]) if value.strip() else []
    bad = [address or real for real, address in parsed if "@" not in address]
    if bad:
        raise ImproperlyConfigured(
            f"{name}={value!r}: {bad[0]!r} is not an email address "
            '(use "Name <a@example.it>, b@example.it").'
        )
    return [formataddr(pair) for pair in parsed]


# Who receives an email for each server error (500) of a request; nobody when unset (Django's
# AdminEmailHandler then returns at once).
ADMINS = env_addresses("ADMINS")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        },
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own loggers go to the root's handler (Django's default setup would print
        # them only with DEBUG on, in its own format).
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.request": {"handlers": ["mail_admins"], "propagate": True},
    },
}

# Error tracking: only when SENTRY_DSN is set; nothing is sent otherwise (core/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN") or ""
if SENTRY_DSN:
    from core import sentry

    try:
        _traces_sample_rate = float(env_str("SENTRY_TRACES_SAMPLE_RATE") or 0)
    except ValueError:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE is not a number (0 to 1).") from None
    sentry.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT") or ("development" if DEBUG else "production"),
        traces_sample_rate=_traces_sample_rate,
        release=env_str("SENTRY_RELEASE"),
    )
