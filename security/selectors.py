from django.db.models import QuerySet

from agencies.models import Agency

from .models import AuditEvent


def audit_events(*, agency: Agency) -> QuerySet[AuditEvent]:
    """The agency's audit log, newest first: what was done on its pages, and its members'
    sign-ins (security/audit.py writes those to each of the member's agencies). Only the row's
    own columns are shown, so a page of it is one query."""
    return AuditEvent.objects.filter(agency=agency).order_by("-at", "-id")
