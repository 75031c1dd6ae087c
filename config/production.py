"""What production must name before it starts: with DEBUG off, a server that silently fell back
to the embedded default would write call-outs to its disk instead of sending them."""

from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

# Backends that keep messages on this machine instead of delivering them.
_UNDELIVERED_EMAIL_SCHEMES = {"filemail", "consolemail", "memorymail", "dummymail"}
_UNDELIVERED_SMS_BACKENDS = {
    "notifications.sms.FileSmsBackend",
    "notifications.sms.LocmemSmsBackend",
}
_TWILIO_SMS_BACKEND = "notifications.sms.TwilioSmsBackend"
# Twilio's, by the name of the hand-written client it replaced (still accepted).
_TWILIO_SMS_BACKENDS = {_TWILIO_SMS_BACKEND, "notifications.sms.HttpSmsBackend"}


def missing_for_production(env: environ.Env, *, embedded: bool) -> list[tuple[str, str]]:
    """Each variable production lacks, with what it is for: all at once, so one failed start
    tells the operator everything to set."""
    missing = []
    if not env.str("SECRET_KEY", default=""):
        missing.append(("SECRET_KEY", "Django's signing key"))
    if not env.list("ALLOWED_HOSTS", default=[]):
        missing.append(("ALLOWED_HOSTS", "the host names the app answers to, comma-separated"))
    if embedded:
        return missing
    if not env.str("DATABASE_URL", default=""):
        missing.append(
            ("DATABASE_URL", "the database, e.g. postgres://user:pw@host:5432/peersupport")
        )
    if not env.str("REDIS_URL", default=""):
        missing.append(("REDIS_URL", "Celery's broker and the cache, e.g. redis://host:6379/0"))
    email_url = env.str("EMAIL_URL", default="")
    if not email_url or urlparse(email_url).scheme in _UNDELIVERED_EMAIL_SCHEMES:
        missing.append(
            (
                "EMAIL_URL",
                "the mail server, e.g. smtp+tls://user:pw@host:587 (mail kept in files or on the "
                "console only with EMBEDDED=true)",
            )
        )
    sms_backend = env.str("SMS_BACKEND", default="")
    if not sms_backend or sms_backend in _UNDELIVERED_SMS_BACKENDS:
        missing.append(
            (
                "SMS_BACKEND",
                f"where texts go, e.g. {_TWILIO_SMS_BACKEND} with SMS_ACCOUNT_SID, SMS_AUTH_TOKEN "
                "and SMS_FROM (texts kept in files only with EMBEDDED=true)",
            )
        )
    elif sms_backend in _TWILIO_SMS_BACKENDS:
        for name, meaning in (
            ("SMS_ACCOUNT_SID", "the SMS service's account id"),
            ("SMS_AUTH_TOKEN", "the SMS service's secret"),
            ("SMS_FROM", "the number texts are sent from"),
        ):
            if not env.str(name, default=""):
                missing.append((name, f"{meaning}, for {sms_backend}"))
    return missing


def refuse_incomplete_production(env: environ.Env, *, embedded: bool) -> None:
    """One ImproperlyConfigured naming every variable missing, or nothing."""
    if missing := missing_for_production(env, embedded=embedded):
        lines = "".join(f"\n  - {name}: {meaning}" for name, meaning in missing)
        # EMBEDDED stands in for the services only; it never excuses a key or the host names.
        services_missing = {name for name, _ in missing} - {"SECRET_KEY", "ALLOWED_HOSTS"}
        advice = (
            "\nOr set EMBEDDED=true to run on purpose on the embedded SQLite database, "
            "filesystem broker, and mail and texts kept in files under VAR_DIR."
            if services_missing
            else ""
        )
        raise ImproperlyConfigured(f"DEBUG is off and these must be set:{lines}{advice}")
