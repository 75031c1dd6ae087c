"""Filing, correcting and reading usage forms; the follow-up reminder; what the model can hold."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import models
from django.utils import timezone

from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from notifications.tasks import sweep_outbox
from tests.factories import AgencyFactory, PeerFactory, member
from usage_reports.models import UsageReport


@pytest.fixture
def joplin(db):
    return AgencyFactory(slug="joplin", name="Joplin Police Department", preset="joplin")


@pytest.fixture
def peer_user(joplin):
    user = member(joplin, Role.PEER, username="peer.joplin")
    PeerFactory(agency=joplin, person__user=user, person__email="pat@joplin.example.org",
                person__first_name="Pat", person__last_name="Peer")  # fmt: skip
    return user


def form_data(agency, **extra):
    return {
        "served_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "incident_type": IncidentType.objects.for_agency(agency).first().pk,
        "intervention_type": InterventionType.objects.for_agency(agency).first().pk,
        "contact_mode": "phone",
        "on_duty": "no",
        **extra,
    }


def test_the_usage_form_model_has_no_field_that_could_hold_a_name():
    """Free text anywhere on the form would let someone write who was helped."""
    for f in UsageReport._meta.get_fields():
        assert not isinstance(f, (models.TextField, models.JSONField, models.BinaryField)), f.name
        if isinstance(f, models.CharField):
            assert f.choices and f.max_length <= 10, f"{f.name} is free text"
        if isinstance(f, models.ForeignKey):
            assert f.related_model._meta.label in {
                "agencies.Agency", "roster.Peer", "agencies.IncidentType",
                "agencies.InterventionType", "activations.Activation",
            }, f"{f.name} points at {f.related_model._meta.label}"  # fmt: skip


@pytest.mark.django_db
def test_a_peer_files_a_form_and_the_row_holds_only_when_how_long_and_what_kind(
    login, joplin, peer_user
):
    client = login(peer_user)
    assert client.get("/joplin/usage/new/").status_code == 200
    response = client.post("/joplin/usage/new/", form_data(joplin, name="Canary Jones"))
    assert response.status_code == 302 and response.url == "/joplin/usage/mine/"
    row = UsageReport.objects.values().get()
    assert set(row) == {
        "id", "agency_id", "peer_id", "served_at", "duration_minutes", "incident_type_id",
        "intervention_type_id", "contact_mode", "on_duty", "activation_id",
        "compensation_approved", "compensation_declined", "filed_at", "updated_at",
    }  # fmt: skip
    assert (row["duration_minutes"], row["contact_mode"], row["on_duty"]) == (45, "phone", False)
    assert "Usage form filed." in client.get("/joplin/usage/mine/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"served_at": "2099-01-01T10:00"}, "cannot be in the future"),
        ({"duration_minutes": "0"}, "A contact lasts at least a minute."),
        ({"duration_minutes": "5000"}, "cannot last more than 12 hours"),
        ({"duration_minutes": "an hour"}, "Enter a whole number."),
        ({"served_at": "yesterday"}, "Enter a valid date/time."),
        ({"contact_mode": "carrier pigeon"}, "Select a valid choice."),
        ({"served_at": "2020-01-01T10:00"}, "more than a year ago"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(
    login, joplin, peer_user, change, message
):
    response = login(peer_user).post("/joplin/usage/new/", form_data(joplin, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
def test_another_agencys_incident_type_is_not_accepted(login, joplin, peer_user):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    foreign = IncidentType.objects.for_agency(kcpd).first()
    response = login(peer_user).post(
        "/joplin/usage/new/", form_data(joplin, incident_type=foreign.pk)
    )
    assert "Select a valid choice." in response.content.decode()
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
def test_a_peer_corrects_a_form_within_seven_days_but_not_after(login, joplin, peer_user):
    client = login(peer_user)
    client.post("/joplin/usage/new/", form_data(joplin))
    report = UsageReport.objects.get()
    client.post(f"/joplin/usage/{report.pk}/edit/", form_data(joplin, duration_minutes="20"))
    assert UsageReport.objects.get().duration_minutes == 20
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client = login(peer_user)  # a new session: the old one has expired
        response = client.post(
            f"/joplin/usage/{report.pk}/edit/", form_data(joplin, duration_minutes="90"),
            follow=True,
        )  # fmt: skip
        assert "can be corrected for 7 days" in response.content.decode()
        client.post(f"/joplin/usage/{report.pk}/withdraw/")
    assert UsageReport.objects.get().duration_minutes == 20


@pytest.mark.django_db
def test_a_peer_withdraws_a_form_filed_by_mistake(login, joplin, peer_user):
    client = login(peer_user)
    client.post("/joplin/usage/new/", form_data(joplin))
    client.post(f"/joplin/usage/{UsageReport.objects.get().pk}/withdraw/")
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
def test_another_peer_cannot_read_or_correct_a_form(login, joplin, peer_user):
    login(peer_user).post("/joplin/usage/new/", form_data(joplin))
    report = UsageReport.objects.get()
    other = member(joplin, Role.PEER)
    PeerFactory(agency=joplin, person__user=other)
    client = login(other)
    assert client.get(f"/joplin/usage/{report.pk}/edit/").status_code == 404
    assert client.post(f"/joplin/usage/{report.pk}/withdraw/").status_code == 404
    assert "45 min" not in client.get("/joplin/usage/mine/").content.decode()
    assert UsageReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_only_the_coordinator_reads_all_forms(login, joplin, peer_user, role):
    login(peer_user).post("/joplin/usage/new/", form_data(joplin))
    response = login(member(joplin, role)).get("/joplin/usage/")
    assert response.status_code == (200 if role == Role.COORDINATOR else 403)
    if role == Role.COORDINATOR:
        assert "Pat Peer" in response.content.decode()


@pytest.mark.django_db
def test_a_user_who_is_not_on_the_team_cannot_file(login, joplin):
    user = member(joplin, Role.PEER)  # the role, but no peer record
    assert login(user).get("/joplin/usage/new/").status_code == 404


@pytest.mark.django_db
def test_the_follow_up_reminder_reaches_the_peer_alone_when_due_and_names_no_one(
    login, joplin, peer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(peer_user).post("/joplin/usage/new/", form_data(joplin, follow_up_days="3"))
    assert not mail.outbox  # not before it is due
    later = timezone.now() + timedelta(days=3, minutes=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        sweep_outbox()
        sweep_outbox()
    assert [m.to for m in mail.outbox] == [["pat@joplin.example.org"]]
    body = mail.outbox[0].body
    report = UsageReport.objects.select_related("intervention_type").get()
    assert report.intervention_type.label in body
    assert f"{timezone.localtime(report.served_at):%B %d}" in body


@pytest.mark.django_db
def test_a_reminder_delay_not_offered_is_refused(login, joplin, peer_user):
    response = login(peer_user).post("/joplin/usage/new/", form_data(joplin, follow_up_days="365"))
    assert "Select a valid choice." in response.content.decode()
    assert not UsageReport.objects.exists()
