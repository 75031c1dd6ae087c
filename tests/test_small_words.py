"""The small words users stumbled on (issue 15, point 14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activations import tokens
from activations.models import Activation, CallOut
from agencies.choices import Role
from agencies.models import IncidentType
from checkins.models import DueDate, RunState, ScheduleRun
from notifications.models import Message
from tests.factories import AppointmentFactory, PeerFactory
from usage_reports.forms import FileUsageForm


@pytest.mark.django_db
def test_a_follow_up_reminder_for_tomorrow_says_tomorrow_not_in_1_days(agency):
    form = FileUsageForm(agency=agency, peer=PeerFactory(agency=agency))
    labels = [label for _, label in form.fields["follow_up_days"].choices]
    assert "Tomorrow" in labels and "In 1 days" not in labels and "In 3 days" in labels


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_peer_who_never_answered_a_closed_activation_is_not_told_cancelled(client, agency):
    activation = Activation.objects.create(
        agency=agency, incident_type=IncidentType.objects.for_agency(agency)[0],
        occurred_at=timezone.now(), location="", members_affected=1, peers_needed=1,
        status="closed", closed_at=timezone.now(),
    )  # fmt: skip
    call = CallOut.objects.create(
        agency=agency, activation=activation, peer=PeerFactory(agency=agency)
    )
    page = client.get(f"/callouts/clayton/{tokens.make(callout_id=call.pk, agency_id=agency.pk)}/")
    text = page.content.decode()
    assert "Your answer:" not in text and "Called." not in text and "Cancelled" not in text
    assert "no longer open: your answer is not needed" in text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_scheduler_run_that_placed_nobody_is_not_left_waiting_for_review(login, users):
    login(users[Role.COORDINATOR]).post("/clayton/checkins/runs/", {"horizon_days": "60"})
    run = ScheduleRun.objects.get()
    assert run.state == RunState.EMPTY and run.get_state_display() == "Nothing to publish"
    page = login(users[Role.COORDINATOR]).get("/clayton/checkins/runs/").content.decode()
    assert "Waiting for review" not in page and "Nothing to publish" in page


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_overdue_officer_with_an_appointment_booked_is_told_it_is_booked(login, clayton):
    officer = clayton["officer"]
    DueDate.objects.update_or_create(
        agency=officer.agency, person=officer,
        defaults={"due_on": timezone.localdate() - timedelta(days=10)},
    )  # fmt: skip
    AppointmentFactory(agency=officer.agency, person=officer, provider=clayton["provider"])
    page = login(officer.user).get("/clayton/checkins/mine/").content.decode()
    assert "overdue" in page and "is booked and will bring it up to date" in page


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_outreach_page_counts_the_cards_still_on_the_way(login, users, agency):
    policy = agency.policy
    policy.outreach_reasons = ["on_duty_injury"]
    policy.save()
    Message.objects.create(
        agency=agency, purpose="outreach", subject_type="activations.outreachcount",
        subject_id=1, recipient_type="person", recipient_id=1, channel="email",
        due_at=timezone.now(),
    )  # fmt: skip
    page = login(users[Role.COORDINATOR]).get("/clayton/outreach/").content.decode()
    assert "1 card on the way: counted here once sent." in page
