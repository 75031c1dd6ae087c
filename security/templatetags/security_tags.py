"""The audit page's plain labels and exact times, the lockout's cool-off in words, and the
system-use notice on the sign-in pages."""

from datetime import datetime, timedelta

from django import template
from django.conf import settings

from security import audit, audit_labels

register = template.Library()


@register.filter
def audit_label(code: str) -> str:
    return audit_labels.label(code)


@register.filter
def audit_time(moment: datetime) -> str:
    return audit.stamp(moment)


@register.filter
def minutes(delta: timedelta | None) -> str:
    """15 minutes; 1 minute; 2 hours for a whole number of hours."""
    if not delta:
        return ""
    total = round(delta.total_seconds() / 60)
    if total >= 60 and total % 60 == 0:
        hours = total // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{total} minute{'s' if total != 1 else ''}"


@register.simple_tag
def login_notice() -> str:
    """The deployment's own wording (LOGIN_NOTICE), read when the page is drawn."""
    return settings.LOGIN_NOTICE
