from django.db.models import QuerySet

from agencies.models import Agency

from .models import Message


def outbox(*, agency: Agency, state: str = "") -> QuerySet[Message]:
    qs = Message.objects.for_agency(agency)
    if state:
        qs = qs.filter(state=state)
    return qs


def get_message(*, agency: Agency, pk: int) -> Message:
    return Message.objects.for_agency(agency).get(pk=pk)
