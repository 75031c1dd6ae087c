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
from tests.support.grid import Page, members_of, role_grid
from tests.support.scopes import built, no_scope
from usage_reports.models import UsageReport


@pytest.fixture
def stjoe(db):
    """St. Joseph's usage form asks how long, the mode and the duty (GO2401 II.A.3: comp time
    when contacted off duty); Joplin's asks none of them (the end of this file)."""
    return AgencyFactory(slug="stjoe", name="St. Joseph Police Department", preset="st-joseph")


@pytest.fixture
def peer_user(stjoe):
    user = member(stjoe, Role.PEER, username="peer.stjoe")
    PeerFactory(agency=stjoe, person__user=user, person__email="pat@stjoe.example.org",
                person__first_name="Pat", person__last_name="Peer")  # fmt: skip
    return user


@built
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
@pytest.mark.system_scope
def test_a_peer_files_a_form_and_the_row_holds_only_when_how_long_and_what_kind(
    login, stjoe, peer_user
):
    client = login(peer_user)
    assert client.get("/stjoe/usage/new/").status_code == 200
    response = client.post("/stjoe/usage/new/", form_data(stjoe, name="Canary Jones"))
    assert response.status_code == 302 and response.url == "/stjoe/usage/mine/"
    row = UsageReport.objects.values().get()
    assert set(row) == {
        "id", "agency_id", "peer_id", "served_at", "duration_minutes", "incident_type_id",
        "intervention_type_id", "contact_mode", "on_duty", "activation_id",
        "compensation_approved", "compensation_declined", "filed_at", "updated_at",
    }  # fmt: skip
    assert (row["duration_minutes"], row["contact_mode"], row["on_duty"]) == (45, "phone", False)
    assert "Usage form filed." in client.get("/stjoe/usage/mine/").content.decode()


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
    login, stjoe, peer_user, change, message
):
    response = login(peer_user).post("/stjoe/usage/new/", form_data(stjoe, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_another_agencys_incident_type_is_not_accepted(login, stjoe, peer_user):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    foreign = IncidentType.objects.for_agency(kcpd).first()
    response = login(peer_user).post(
        "/stjoe/usage/new/", form_data(stjoe, incident_type=foreign.pk)
    )
    assert "Select a valid choice." in response.content.decode()
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_peer_corrects_a_form_within_seven_days_but_not_after(login, stjoe, peer_user):
    client = login(peer_user)
    client.post("/stjoe/usage/new/", form_data(stjoe))
    report = UsageReport.objects.get()
    client.post(f"/stjoe/usage/{report.pk}/edit/", form_data(stjoe, duration_minutes="20"))
    assert UsageReport.objects.get().duration_minutes == 20
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client = login(peer_user)  # a new session: the old one has expired
        response = client.post(
            f"/stjoe/usage/{report.pk}/edit/", form_data(stjoe, duration_minutes="90"),
            follow=True,
        )  # fmt: skip
        assert "can be corrected for 7 days" in response.content.decode()
        client.post(f"/stjoe/usage/{report.pk}/withdraw/")
    assert UsageReport.objects.get().duration_minutes == 20


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_peer_withdraws_a_form_filed_by_mistake(login, stjoe, peer_user):
    client = login(peer_user)
    client.post("/stjoe/usage/new/", form_data(stjoe))
    client.post(f"/stjoe/usage/{UsageReport.objects.get().pk}/withdraw/")
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_another_peer_cannot_read_or_correct_a_form(login, stjoe, peer_user):
    login(peer_user).post("/stjoe/usage/new/", form_data(stjoe))
    report = UsageReport.objects.get()
    other = member(stjoe, Role.PEER)
    PeerFactory(agency=stjoe, person__user=other)
    client = login(other)
    assert client.get(f"/stjoe/usage/{report.pk}/edit/").status_code == 404
    assert client.post(f"/stjoe/usage/{report.pk}/withdraw/").status_code == 404
    assert "45 min" not in client.get("/stjoe/usage/mine/").content.decode()
    assert UsageReport.objects.exists()


@pytest.fixture
def filed(login, stjoe, peer_user):
    """One form filed by the peer, for the grid's requests to find."""
    login(peer_user).post("/stjoe/usage/new/", form_data(stjoe))
    return {}


@pytest.fixture
def stjoe_members(stjoe):
    return members_of(stjoe, AgencyFactory(slug="kcpd", preset="kcpd"))


class TestOnlyTheCoordinatorReadsAllForms(
    role_grid([Page("usage_reports:all", "usage.read")], objects="filed", agency="stjoe",
              members="stjoe_members")
):  # fmt: skip
    pass


@pytest.mark.django_db
def test_the_coordinator_reads_every_form_with_the_peer_who_filed_it(login, stjoe, filed):
    response = login(member(stjoe, Role.COORDINATOR)).get("/stjoe/usage/")
    assert response.status_code == 200
    assert "Pat Peer" in response.content.decode()


@pytest.mark.django_db
def test_a_user_who_is_not_on_the_team_cannot_file(login, stjoe):
    user = member(stjoe, Role.PEER)  # the role, but no peer record
    assert login(user).get("/stjoe/usage/new/").status_code == 404


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_follow_up_reminder_reaches_the_peer_alone_when_due_and_names_no_one(
    login, stjoe, peer_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(peer_user).post("/stjoe/usage/new/", form_data(stjoe, follow_up_days="3"))
    assert not mail.outbox  # not before it is due
    later = timezone.now() + timedelta(days=3, minutes=1)
    with (
        time_machine.travel(later),
        django_capture_on_commit_callbacks(execute=True),
        no_scope(),
    ):  # as a worker or the command line runs it
        sweep_outbox()
        with no_scope():  # as a worker or the command line runs it
            sweep_outbox()
    assert [m.to for m in mail.outbox] == [["pat@stjoe.example.org"]]
    body = mail.outbox[0].body
    report = UsageReport.objects.select_related("intervention_type").get()
    assert report.intervention_type.label in body
    assert f"{timezone.localtime(report.served_at):%B %d}" in body


@pytest.mark.django_db
def test_a_reminder_delay_not_offered_is_refused(login, stjoe, peer_user):
    response = login(peer_user).post("/stjoe/usage/new/", form_data(stjoe, follow_up_days="365"))
    assert "Select a valid choice." in response.content.decode()
    assert not UsageReport.objects.exists()


# What the usage form asks is the policy's: Joplin's holds only the peer, the date and time of
# service, and the type of incident or intervention (SOG 2-13 IV.D.2).


@pytest.fixture
def joplin_peer(db):
    joplin = AgencyFactory(slug="joplin", name="Joplin Police Department", preset="joplin")
    user = member(joplin, Role.PEER, username="peer.joplin")
    PeerFactory(agency=joplin, person__user=user)
    return joplin, user


@pytest.mark.django_db
@pytest.mark.system_scope
def test_joplin_usage_form_has_only_peer_time_and_type(login, joplin_peer):
    joplin, user = joplin_peer
    client = login(user)
    page = client.get("/joplin/usage/new/").content.decode()
    for absent in ('name="duration_minutes"', 'name="contact_mode"', 'name="on_duty"',
                   'name="activation"'):  # fmt: skip
        assert absent not in page
    # Whatever a crafted request sends for them, nothing of it is stored.
    response = client.post("/joplin/usage/new/", form_data(joplin, activation=""))
    assert response.status_code == 302
    row = UsageReport.objects.values(
        "served_at", "incident_type", "intervention_type", "duration_minutes", "contact_mode",
        "on_duty", "activation",
    ).get()  # fmt: skip
    assert (row["duration_minutes"], row["contact_mode"], row["on_duty"], row["activation"]) == (
        None, "", None, None,
    )  # fmt: skip
    assert joplin.policy.sources["usage_duration"].startswith("SOG 2-13 IV.D.2")


@pytest.mark.django_db
def test_joplin_statistics_leave_out_what_it_does_not_collect(login, joplin_peer):
    joplin, user = joplin_peer
    login(user).post("/joplin/usage/new/", form_data(joplin))
    page = login(member(joplin, Role.COORDINATOR)).get("/joplin/statistics/").content.decode()
    assert "By incident type" in page and "By intervention" in page
    assert "By contact mode" not in page and "On or off duty" not in page
    assert "hours of support" not in page
    csv_text = (
        login(member(joplin, Role.COORDINATOR))
        .get("/joplin/reports/quarterly/", {"format": "csv"})
        .content.decode()
    )
    assert "Hours of support" not in csv_text and "By contact mode" not in csv_text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_optional_field_may_be_left_empty_and_counts_as_not_recorded(login, stjoe, peer_user):
    policy = stjoe.policy
    policy.usage_contact_mode = "optional"
    policy.save()
    client = login(peer_user)
    assert client.post("/stjoe/usage/new/", form_data(stjoe, contact_mode="")).status_code == 302
    assert UsageReport.objects.get().contact_mode == ""
    page = login(member(stjoe, Role.COORDINATOR)).get("/stjoe/statistics/").content.decode()
    assert "Not recorded" in page


@pytest.mark.django_db
def test_a_required_field_left_empty_is_refused_with_a_message(login, stjoe, peer_user):
    response = login(peer_user).post("/stjoe/usage/new/", form_data(stjoe, duration_minutes=""))
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not UsageReport.objects.exists()


@pytest.mark.django_db
def test_a_policy_paying_off_duty_contacts_must_ask_duty_and_duration(stjoe):
    from django.core.exceptions import ValidationError

    policy = stjoe.policy  # GO2401 II.A.3: comp time when contacted off duty
    policy.usage_on_duty = "off"
    with pytest.raises(ValidationError) as refused:
        policy.full_clean()
    assert "usage_on_duty" in refused.value.message_dict
