"""Reads for the directory: the agency's people, their staged imports, where to reach them."""

from django.db.models import Q, QuerySet

from agencies.models import Agency, User
from notifications.models import Channel
from roster.models import DirectoryImport, Person


def get_person(*, agency: Agency, pk: int) -> Person:
    return Person.objects.for_agency(agency).select_related("commanding_officer", "user").get(pk=pk)


def person_by_number(*, agency: Agency, employee_number: str) -> Person | None:
    """The one person of the agency with this employee number as typed (spaces around it do
    not count), or None."""
    return Person.objects.for_agency(agency).filter(employee_number=employee_number.strip()).first()


def search_people(*, agency: Agency, query: str = "") -> QuerySet[Person]:
    qs = Person.objects.for_agency(agency)
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(employee_number__iexact=word)
            | Q(unit__icontains=word)
        )
    return qs.select_related("peer")


def stations(*, agency: Agency) -> list[str]:
    return list(
        Person.objects.for_agency(agency)
        .exclude(unit="")
        .filter(peer__isnull=False)
        .values_list("unit", flat=True)
        .distinct()
        .order_by("unit")
    )


def get_import(*, agency: Agency, user: User, pk: int) -> DirectoryImport:
    """An upload this user staged; another's, even of the same agency, is not found."""
    return DirectoryImport.objects.for_agency(agency).get(pk=pk, uploaded_by=user)


def recipient_address(message) -> str:
    """Where an outbox message goes: the person's (or the active user's) email, or phone for a
    text; empty when there is nowhere to send it, which cancels the message."""
    sms = message.channel == Channel.SMS
    if message.recipient_type == "person":
        person = Person.objects.filter(pk=message.recipient_id).first()
        if person is None:
            return ""
        return person.phone if sms else person.email
    user = User.objects.filter(pk=message.recipient_id, is_active=True).first()
    if user is None:
        return ""
    if sms:
        person = Person.objects.filter(user=user).exclude(phone="").first()
        return person.phone if person else ""
    return user.email
