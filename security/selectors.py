from axes.models import AccessAttempt
from django.db.models import QuerySet

from agencies.models import Agency, Membership

from .models import AuditEvent


def audit_events(*, agency: Agency) -> QuerySet[AuditEvent]:
    """The agency's audit log, newest first: what was done on its pages, and its members'
    sign-ins (security/audit.py writes those to each of the member's agencies). Only the row's
    own columns are shown, so a page of it is one query."""
    return AuditEvent.objects.filter(agency=agency).order_by("-at", "-id")


def failed_sign_ins(*, agency: Agency) -> QuerySet[AccessAttempt]:
    """The agency's members' failed sign-in tries (axes keeps them by username, across
    agencies), newest first: what a lockout is made of."""
    members = Membership.objects.for_agency(agency).values_list("user__username", flat=True)
    return AccessAttempt.objects.filter(username__in=members).order_by("-attempt_time")
