from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message
from notifications.registry import Rendered, register


@register("usage_follow_up", label="Follow-up reminder (to the peer alone)")
def render_follow_up(message: Message) -> Rendered | None:
    from roster.selectors import recipient_address

    from .models import UsageReport

    report = (
        UsageReport.objects.select_related("agency", "intervention_type")
        .filter(pk=message.subject_id)
        .first()
    )
    to = recipient_address(message)
    if report is None or not to:
        return None
    when = timezone.localtime(report.served_at)
    url = settings.SITE_URL + reverse("usage_reports:mine", args=[report.agency.slug])
    body = (
        f"You asked to be reminded to follow up on your contact of {when:%A, %B %d} "
        f"({report.intervention_type.label}).\n\nYour usage forms: {url}\n"
    )
    return Rendered(to=to, subject="Peer support follow-up reminder", body=body)
