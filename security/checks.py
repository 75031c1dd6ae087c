"""`manage.py check` refuses retention periods shorter than the rules allow, before the daily
sweep would fail on them."""

from django.conf import settings
from django.core.checks import Error, register

from .models import AUDIT_MINIMUM_DAYS


@register()
def retention_periods(app_configs=None, **kwargs):
    found = []
    if settings.RETENTION_AUDIT_DAYS < AUDIT_MINIMUM_DAYS:
        found.append(
            Error(
                f"RETENTION_AUDIT_DAYS is {settings.RETENTION_AUDIT_DAYS}; audit records are "
                f"kept at least {AUDIT_MINIMUM_DAYS} days (CJIS Security Policy AU-11).",
                id="security.E001",
            )
        )
    for name in ("RETENTION_SIGNIN_ATTEMPTS_DAYS", "RETENTION_OUTBOX_DAYS"):
        if getattr(settings, name) < 1:
            found.append(Error(f"{name} must be at least 1 day.", id="security.E002"))
    return found
