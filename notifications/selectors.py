from django.db.models import QuerySet

from agencies.models import Agency

from .models import Message, PushSubscription


def outbox(*, agency: Agency, state: str = "") -> QuerySet[Message]:
    qs = Message.objects.for_agency(agency)
    if state:
        qs = qs.filter(state=state)
    return qs


def get_message(*, agency: Agency, pk: int) -> Message:
    return Message.objects.for_agency(agency).get(pk=pk)


def push_subscriptions(*, recipient_type: str, recipient_id: int) -> list[PushSubscription]:
    """The devices subscribed for a recipient. Not filtered by agency on purpose: a partner's
    peer called out by this agency subscribed in their own, and the database's rule for the
    lent peers an agency called (activations/policies.py) is what lets this agency see them."""
    return list(
        PushSubscription.objects.filter(
            recipient_type=recipient_type, recipient_id=recipient_id
        ).order_by("pk")
    )


def push_recipients(*, recipients: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """Those of `recipients` ((type, id) pairs) with at least one device subscribed."""
    if not recipients:
        return set()
    found = PushSubscription.objects.filter(
        recipient_type__in={kind for kind, _ in recipients},
        recipient_id__in={pk for _, pk in recipients},
    ).values_list("recipient_type", "recipient_id")
    return set(found) & recipients


def device_count(*, agency: Agency, recipient_type: str, recipient_id: int) -> int:
    return (
        PushSubscription.objects.for_agency(agency)
        .filter(recipient_type=recipient_type, recipient_id=recipient_id)
        .count()
    )
