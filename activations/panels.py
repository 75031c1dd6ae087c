from roster.panels import register

from .models import CallOut, CallState


@register
def accepted_assignments(peer):
    calls = (
        CallOut.objects.filter(peer=peer, state=CallState.ACCEPTED)
        .select_related("activation__incident_type", "activation__agency")
        .order_by("-responded_at")[:10]
    )
    return ("My assignments", "activations/_assignments.html", {"calls": list(calls)})
