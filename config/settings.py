"""Settings, read from the environment (django-environ) and a `.env` file at the top.

In debug mode, with nothing set, the app runs on the embedded default: a SQLite file under var/,
mail and texts written to files under var/, Celery on a filesystem broker under var/celery.
DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis. With DEBUG off the app refuses to
start until every service is named, unless EMBEDDED=true asks for the embedded default on
purpose. Every variable is listed in README.md.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .production import refuse_incomplete_production

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Before any variable is read, so each one (VAR_DIR too) may come from the file; the real
# environment still wins over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
# The embedded default keeps its database, mail and broker files here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless asked for: a forgotten variable must never leave production in debug mode.
DEBUG = env.bool("DEBUG", default=False)
# With DEBUG off, the only way to run on the embedded SQLite database, filesystem broker and
# mail and texts in files: a server that silently fell back to them would write call-outs to
# its disk instead of sending them.
EMBEDDED = env.bool("EMBEDDED", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-only-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    refuse_incomplete_production(env, embedded=EMBEDDED)
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "agencies",
    "notifications",
    "roster",
    "activations",
    "usage_reports",
    "checkins",
    "security",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "notifications.middleware.DeliveryDelayedMiddleware",
    "security.middleware.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "agencies.middleware.AgencyMiddleware",
    "security.middleware.MfaRequiredMiddleware",
    "security.middleware.AuditMiddleware",
    # Views run last of all, so a retried view runs with the scope and checks above it.
    "agencies.transient.TransientDatabaseErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: 5 failed sign-ins within 15 minutes lock that username from that address (only that
# pair, so nobody can lock a user out from everywhere); an admin unlocks, or it lifts after 15
# minutes without another try. A wrong authenticator or recovery code is a failed sign-in too,
# and every way in (password, emailed link, second step) is refused while locked
# (security/lockout.py).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Not on the password alone: the failures are cleared when the sign-in is complete, after the
# second step for a role that needs one (security/lockout.py), so wrong codes add up.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 403
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_VERBOSE = False
# The system-use notice on the sign-in pages (CJIS AC-8); each deployment may word its own.
LOGIN_NOTICE = env.str(
    "LOGIN_NOTICE",
    default=(
        "This is a restricted system for authorized users only. Its use is monitored and "
        "recorded; using it means you consent to that. Unauthorized use is prohibited and may "
        "lead to criminal and civil penalties."
    ),
)

# Content Security Policy: scripts and styles only from this site, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The installable app (static/manifest.webmanifest) and its service worker (/sw.js).
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
OTP_TOTP_ISSUER = "Peer Support"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "agencies.context_processors.agency",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker share the file: WAL and IMMEDIATE transactions
    # keep one from failing with "database is locked" while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# PostgreSQL row-level security (agencies/rls.py): DATABASE_URL is the app's role, which owns no
# table and cannot bypass the policies; DATABASE_OWNER_URL, when set, is the tables' owner, used
# only by `manage.py migrate --database owner` (which also grants the app role its rights).
if env.str("DATABASE_OWNER_URL", default=""):
    DATABASES["owner"] = {
        **DATABASES["default"],
        **env.db_url("DATABASE_OWNER_URL"),
        "TEST": {"MIRROR": "default"},
    }

# DATABASE_POOLER=transaction: DATABASE_URL is a pooler in transaction mode (PgBouncer's
# pool_mode = transaction, docker-compose.yml), where each transaction may run on another server
# connection, so a server-side cursor (QuerySet.iterator()) would not outlive its transaction.
# The agency scope needs nothing more: it is transaction-local already (agencies/tenant_db.py);
# Django's psycopg connections prepare no statements, and the time zone Django sets on connecting
# is one of the parameters PgBouncer keeps for each client.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "session", "transaction"):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER={DATABASE_POOLER!r}: leave it unset, or say session or transaction"
    )
if DATABASE_POOLER == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "agencies.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
# Each agency's own time zone is activated per request; this is the default outside one.
TIME_ZONE = env.str("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The web app manifest's own type (whitenoise knows no .webmanifest).
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: files under var/mail unless EMAIL_URL says otherwise (smtp+tls://user:pw@host:587).
EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
vars().update(environ.Env.email_url_config(EMAIL_URL))
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):  # noqa: F821 (set just above)
    # django-environ drops the leading slash of filemail:///abs/path; keep the path as written.
    EMAIL_FILE_PATH = urlparse(EMAIL_URL).path or str(VAR_DIR / "mail")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Peer Support <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS: files under var/sms in the embedded default; notifications.sms.TwilioSmsBackend sends
# through Twilio (SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM; SMS_API_URL only for a
# Twilio-compatible host). Its inbound webhook is /sms/twilio/inbound/ under SITE_URL.
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.FileSmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
SMS_API_URL = env.str("SMS_API_URL", default="https://api.twilio.com/2010-04-01")
SMS_ACCOUNT_SID = env.str("SMS_ACCOUNT_SID", default="")
SMS_AUTH_TOKEN = env.str("SMS_AUTH_TOKEN", default="")
SMS_FROM = env.str("SMS_FROM", default="")
# A call-out's text asks for a reply ("Reply Y 4821 to accept"). Set it false while the number
# has no inbound webhook, or the replies would go nowhere.
SMS_REPLIES = env.bool("SMS_REPLIES", default=True)
# Web push for call-outs (notifications/push.py): on when both keys are set, off without them.
# `manage.py vapid_keys` makes a pair; the public key is the one browsers subscribe with, and
# changing it ends every subscription. The subject is how a push service reaches the operator.
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:noreply@localhost")
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)
# Messages per delivery task: one transaction's notices go out as tasks of this many each.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=5)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Nothing needs the cache to hold a value (sessions and lockouts are in the database), so a
    # dead Redis must cost speed only: the backend answers as an empty cache and logs a warning,
    # and the short timeouts keep a page from hanging on a Redis that does not answer.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, otherwise a filesystem broker that a real worker reads,
# so the embedded default runs tasks and the beat schedule without any server.
CELERY_BROKER_DIR = VAR_DIR / "celery"
# A request that queues a notice must never wait on a dead broker: the outbox row is the truth
# and the sweep sends it later, so connecting and sending give up fast.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=1.0),
    }
else:
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    for folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes every database connection before and after each task unless
# this is set: each task then paid for a new connection, and for a new server process whose caches
# (the row-level security policies' catalog rows among them) start cold. Reused, connections are
# closed as a request's are, when older than CONN_MAX_AGE or unusable (config/celery.py), and
# renewed after this many tasks in any case.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60},
    "escalate-activations": {"task": "activations.escalate_due", "schedule": 60},
    # Check-in notices, reminders and misses: once a day, early, before the day shift.
    "checkins-daily-sweep": {
        "task": "checkins.daily_sweep",
        "schedule": crontab(hour=5, minute=30),
    },
    "clear-expired-sessions-daily": {
        "task": "agencies.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    # Retention (below): expired audit records, sign-in attempts and notices' addresses go.
    "retention-sweep": {"task": "security.retention_sweep", "schedule": crontab(hour=3, minute=15)},
}

# Retention, in days, enforced by security.retention_sweep and stated on the privacy page: the
# audit log a year (CJIS AU-11; never less), sign-in attempts and lockouts (django-axes) 90 days,
# a finished notice's recipient and error 30 days (its type, time and state stay, for counts).
RETENTION_AUDIT_DAYS = env.int("RETENTION_AUDIT_DAYS", default=365)
RETENTION_SIGNIN_ATTEMPTS_DAYS = env.int("RETENTION_SIGNIN_ATTEMPTS_DAYS", default=90)
RETENTION_OUTBOX_DAYS = env.int("RETENTION_OUTBOX_DAYS", default=30)

# Security. Production (DEBUG off) defaults to the strict values `check --deploy` asks for;
# SECURE_SSL_REDIRECT and the secure-cookie flags can be lowered only for a local plain-http run.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
# Every signed-in request reads its session: from the cache, written through to the database,
# so a cache lost or down (an empty cache, config/cache.py) costs one query and no sign-out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The container health check calls the app over plain http from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # HSTS starts at an hour: a browser holds on to it for its whole lifetime, so a mistake in
    # the TLS set-up must not lock users out for a year. Raise it (31536000) once HTTPS is known
    # good. Preload is a request to be built into browsers, slow to undo: never by default.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # `check --deploy` asks for preload; leaving it off is the decision above, not a slip.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in at INFO; failures are in the audit log already.
    # The Twilio library logs each request's URL and headers at INFO: noise, and no more.
    "loggers": {"axes": {"level": "WARNING"}, "twilio": {"level": "WARNING"}},
}
