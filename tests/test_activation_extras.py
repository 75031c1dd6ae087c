"""SLMPD's outreach card, Clayton's outside team, and the time an accepted call-out earns."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from activations.models import Activation, CallOut, OutreachCount, TimeEntry
from activations.services import activation as service
from activations.services.answers import respond
from agencies.choices import Role
from notifications.models import Message
from tests.factories import AgencyFactory, PersonFactory, ShiftFactory, member
from tests.support.canary import database_mentions
from tests.support.grid import Page, members_of, role_grid


@pytest.fixture
def slmpd(db):
    return AgencyFactory(
        slug="slmpd", name="St. Louis Metropolitan Police Department", preset="slmpd"
    )


@pytest.fixture
def slmpd_coordinator(slmpd):
    return member(slmpd, Role.COORDINATOR, username="coordinator.slmpd")


@pytest.fixture
def injured(slmpd):
    return PersonFactory(
        agency=slmpd, employee_number="S4471", first_name="Quinn", last_name="Canary",
        email="quinn.canary@slmpd.example.org",
    )  # fmt: skip


def send(client, callbacks, number="S4471", reason="on_duty_injury"):
    with callbacks(execute=True):
        return client.post(
            "/slmpd/outreach/", {"employee_number": number, "reason": reason}, follow=True
        )


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_card_goes_out_and_only_a_count_per_reason_and_month_remains(
    login, slmpd_coordinator, injured, django_capture_on_commit_callbacks
):
    response = send(login(slmpd_coordinator), django_capture_on_commit_callbacks)
    assert "Only the count is kept." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["quinn.canary@slmpd.example.org"]]
    assert "/slmpd/on-call/" in mail.outbox[0].body
    count = OutreachCount.objects.get()
    assert (count.reason, count.count, count.month.day) == ("on_duty_injury", 1, 1)
    assert not Message.objects.filter(purpose="outreach").exists()
    # Only the directory itself still knows Quinn; nothing ties Quinn to the card.
    assert set(database_mentions("Canary")) == {"roster.Person.last_name", "roster.Person.email"}
    injured.delete()
    assert database_mentions("Canary") == []
    assert database_mentions("quinn.canary") == []
    page = login(slmpd_coordinator).get("/slmpd/outreach/").content.decode()
    assert "Injured on duty" in page and "Canary" not in page


@pytest.mark.django_db
@pytest.mark.system_scope
def test_two_cards_in_a_month_count_two(
    login, slmpd_coordinator, injured, django_capture_on_commit_callbacks
):
    client = login(slmpd_coordinator)
    send(client, django_capture_on_commit_callbacks)
    send(client, django_capture_on_commit_callbacks, reason="fmla")
    send(client, django_capture_on_commit_callbacks)
    counts = dict(OutreachCount.objects.values_list("reason", "count"))
    assert counts == {"on_duty_injury": 2, "fmla": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "reason", "message"),
    [
        ("NOPE", "fmla", "Nobody in the directory has this number."),
        ("S4471", "vacation", "Select a valid choice."),
        ("", "fmla", "This field is required."),
    ],
)
def test_bad_outreach_input_gets_a_message_and_sends_nothing(
    login, slmpd_coordinator, injured, django_capture_on_commit_callbacks, number, reason, message
):
    response = send(login(slmpd_coordinator), django_capture_on_commit_callbacks, number, reason)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not mail.outbox and not OutreachCount.objects.filter(count__gt=0).exists()


@pytest.mark.django_db
def test_a_member_without_email_is_refused_clearly(
    login, slmpd, slmpd_coordinator, django_capture_on_commit_callbacks
):
    PersonFactory(agency=slmpd, employee_number="S1", email="")
    response = send(login(slmpd_coordinator), django_capture_on_commit_callbacks, "S1")
    assert "This person has no email in the directory." in response.content.decode()
    assert not mail.outbox


@pytest.mark.django_db
def test_someone_in_another_agencys_directory_cannot_be_sent_a_card(
    login, slmpd_coordinator, django_capture_on_commit_callbacks
):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    PersonFactory(agency=kcpd, employee_number="K9", email="k9@kcpd.example.org")
    response = send(login(slmpd_coordinator), django_capture_on_commit_callbacks, "K9")
    assert "Nobody in the directory has this number." in response.content.decode()
    assert not mail.outbox


@pytest.fixture
def slmpd_members(slmpd):
    return members_of(slmpd, AgencyFactory(slug="kcpd", preset="kcpd"))


class TestOutreachRoles(
    role_grid([Page("activations:outreach", "outreach.send")], agency="slmpd",
              members="slmpd_members")
):  # fmt: skip
    pass


@pytest.mark.django_db
def test_an_agency_whose_policy_has_no_outreach_neither_shows_nor_serves_it(login, users):
    coordinator = login(users[Role.COORDINATOR])  # Clayton
    assert coordinator.get("/clayton/outreach/").status_code == 404
    assert "/clayton/outreach/" not in coordinator.get("/clayton/").content.decode()


@pytest.fixture
def clayton_activation(agency, users, open_activation):
    ShiftFactory(peer__agency=agency)
    return open_activation(agency, actor=users[Role.COORDINATOR], location="Forsyth Blvd")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_clayton_records_that_it_activated_the_outside_team_and_whom_it_consulted(
    login, users, clayton_activation
):
    client = login(users[Role.COORDINATOR])
    url = f"/clayton/activations/{clayton_activation.pk}/"
    assert "Greater St. Louis CISM Association" in client.get(url).content.decode()
    client.post(url + "external/", {"consulted": "Chief of Police"})
    done = Activation.objects.get()
    assert done.external_team_consulted == "Chief of Police"
    assert done.external_team_activated_at is not None
    assert "after consulting Chief of Police" in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_recording_the_outside_team_needs_whom_was_consulted(login, users, clayton_activation):
    response = login(users[Role.COORDINATOR]).post(
        f"/clayton/activations/{clayton_activation.pk}/external/", {"consulted": "  "}, follow=True
    )
    assert "Say whom you consulted before calling it." in response.content.decode()
    assert Activation.objects.get().external_team_activated_at is None


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_agency_without_an_outside_team_cannot_record_one(
    login, slmpd, slmpd_coordinator, open_activation
):
    slmpd.policy.external_team_name = ""
    slmpd.policy.save()
    activation = open_activation(slmpd, actor=slmpd_coordinator, deliver=False)
    response = login(slmpd_coordinator).post(
        f"/slmpd/activations/{activation.pk}/external/", {"consulted": "x"}, follow=True
    )
    assert "names no outside team" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_accepted_call_out_earns_time_settled_to_the_half_hour_on_close(
    slmpd, slmpd_coordinator, open_activation
):
    ShiftFactory(peer__agency=slmpd)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        activation = open_activation(slmpd, actor=slmpd_coordinator, occurred_at=start)
        respond(callout=CallOut.objects.get(), accept=True)
    entry = TimeEntry.objects.get()
    assert (entry.kind, entry.hours) == ("days_off", None)  # SLMPD: days off
    with time_machine.travel(start + timedelta(hours=2, minutes=10), tick=False):
        service.close(activation=activation, actor=slmpd_coordinator)
    assert TimeEntry.objects.get().hours == Decimal("2.0")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_where_peers_volunteer_an_accepted_call_out_earns_no_time(users, clayton_activation):
    respond(callout=CallOut.objects.get(), accept=True)  # Clayton: voluntary and unpaid
    assert not TimeEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_incident_from_long_ago_is_refused_as_a_mistake_and_calls_nobody(
    slmpd, slmpd_coordinator, open_activation
):
    from django.core.exceptions import ValidationError

    ShiftFactory(peer__agency=slmpd)
    with pytest.raises(ValidationError, match="within the last 30 days"):
        open_activation(
            slmpd, actor=slmpd_coordinator, occurred_at=timezone.now() - timedelta(days=45),
            deliver=False,
        )  # fmt: skip
    assert not Activation.objects.exists() and not CallOut.objects.exists()
