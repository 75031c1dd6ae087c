from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies import tenant_db
from agencies.choices import Role
from agencies.models import Membership
from roster import eligibility
from roster.choices import PeerStatus, TrainingStanding
from roster.models import Peer
from roster.services import team
from tests.factories import AgencyFactory, PeerFactory, PersonFactory, UserFactory, member

TODAY = date(2026, 11, 23)


def findings_text(person, agency) -> list[str]:
    return [f.text for f in eligibility.check(person, agency.policy, today=TODAY) if not f.ok]


@pytest.mark.django_db
def test_at_slmpd_two_years_of_service_is_ineligible_with_the_reason():
    slmpd = AgencyFactory(slug="slmpd", preset="slmpd")
    person = PersonFactory(agency=slmpd, hire_date=TODAY - timedelta(days=2 * 365 + 10))
    assert findings_text(person, slmpd) == ["2 years of service; policy requires 3"]
    senior = PersonFactory(agency=slmpd, hire_date=TODAY - timedelta(days=3 * 366))
    assert findings_text(senior, slmpd) == []


@pytest.mark.django_db
def test_at_kcpd_a_post_suspension_is_ineligible():
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    person = PersonFactory(agency=kcpd, post_suspension=True)
    assert findings_text(person, kcpd) == [
        "Serving a POST suspension or probation: the policy excludes this"
    ]


@pytest.mark.django_db
def test_at_clayton_a_probationary_officer_is_ineligible(agency):
    person = PersonFactory(agency=agency, probationary=True)
    assert findings_text(person, agency) == ["Probationary: the policy excludes this"]


@pytest.mark.django_db
def test_at_clayton_a_dispatcher_is_not_an_officer(agency):
    person = PersonFactory(agency=agency, member_class="dispatcher")
    assert findings_text(person, agency) == ["Member class dispatcher; policy admits sworn"]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_application_page_shows_every_reason(login, users, agency):
    person = PersonFactory(agency=agency, probationary=True, member_class="dispatcher")
    application = team.submit_application(
        person=person, submitted_on=timezone.localdate(), actor=users[Role.COORDINATOR]
    )
    url = reverse("roster:application", args=[agency.slug, application.pk])
    text = login(users[Role.COORDINATOR]).get(url).content.decode()
    assert "not eligible" in text
    assert "Probationary: the policy excludes this" in text
    assert "Member class dispatcher; policy admits sworn" in text


def _application(agency, actor, **person):
    p = PersonFactory(agency=agency, **person)
    with tenant_db.agency_scope(agency.pk):  # as the application page runs it
        return team.submit_application(
            person=p, submitted_on=timezone.localdate() - timedelta(days=3), actor=actor,
            letter_received=True, recommended_by="Capt. Reyes",
        )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_at_clayton_only_the_chief_decides_and_an_interview_is_needed(agency, users):
    application = _application(agency, users[Role.COORDINATOR])
    with pytest.raises(PermissionDenied, match="Chief of Police, after consulting"):
        team.decide_application(
            application=application, approve=True, actor=users[Role.COORDINATOR],
            roles=frozenset({Role.COORDINATOR}),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="oral interview"):
        team.decide_application(
            application=application, approve=True, actor=users[Role.COMMAND],
            roles=frozenset({Role.COMMAND}),
        )  # fmt: skip
    team.record_interview(
        application=application, held_on=timezone.localdate(), passed=True,
        actor=users[Role.COORDINATOR],
    )  # fmt: skip
    team.decide_application(
        application=application, approve=True, actor=users[Role.COMMAND],
        roles=frozenset({Role.COMMAND}),
    )  # fmt: skip
    peer = Peer.objects.get(pk=application.peer_id)
    assert peer.status == PeerStatus.IN_TRAINING
    assert application.decided_as == "Chief of Police"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_applicant_goes_all_the_way_to_active_with_history(agency, users):
    coordinator = users[Role.COORDINATOR]
    person_user = UserFactory(username="new.peer")
    application = _application(agency, coordinator, user=person_user)
    team.record_interview(
        application=application, held_on=timezone.localdate(), passed=True, actor=coordinator
    )
    team.decide_application(
        application=application, approve=True, actor=users[Role.COMMAND],
        roles=frozenset({Role.COMMAND}),
    )  # fmt: skip
    peer = Peer.objects.get(pk=application.peer_id)
    with pytest.raises(ValidationError) as exc:
        team.change_status(peer=peer, to=PeerStatus.ACTIVE, actor=coordinator,
                           roles=frozenset({Role.COORDINATOR}), reason="")  # fmt: skip
    assert "signed confidentiality agreement" in str(exc.value)
    assert "No training is recorded" in str(exc.value)
    team.record_agreement(peer=peer, signed_on=timezone.localdate(), kept_by="Coordinator",
                          actor=coordinator)  # fmt: skip
    team.add_training(peer=peer, held_on=timezone.localdate(), topic="Approved Peer Support course",
                      hours=40, actor=coordinator)  # fmt: skip
    team.change_status(peer=peer, to=PeerStatus.ACTIVE, actor=coordinator,
                       roles=frozenset({Role.COORDINATOR}), reason="")  # fmt: skip
    peer.refresh_from_db()
    assert peer.status == PeerStatus.ACTIVE
    assert Membership.objects.filter(user=person_user, agency=agency, role=Role.PEER).exists()
    events = list(peer.history.order_by("at", "id").values_list("event", "actor"))
    assert events[0] == ("Applied", coordinator.pk)
    assert events[-1] == ("Completed training; now active", coordinator.pk)
    assert len(events) == 5


@pytest.mark.django_db
@pytest.mark.system_scope
def test_kcpd_withdrawal_must_be_in_writing_and_reinstatement_needs_training():
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    roles = frozenset({Role.COORDINATOR})
    peer = PeerFactory(agency=kcpd)
    with pytest.raises(ValidationError, match="in writing"):
        team.change_status(peer=peer, to=PeerStatus.WITHDRAWN, actor=coordinator, roles=roles,
                           reason="Told me at roll call")  # fmt: skip
    team.change_status(peer=peer, to=PeerStatus.WITHDRAWN, actor=coordinator, roles=roles,
                       reason="Written notice to the Manager dated Nov 20")  # fmt: skip
    assert team.allowed_moves(peer, roles) == [PeerStatus.IN_TRAINING]
    with pytest.raises(PermissionDenied, match="requires training"):
        team.change_status(peer=peer, to=PeerStatus.ACTIVE, actor=coordinator, roles=roles,
                           reason="back")  # fmt: skip
    team.change_status(peer=peer, to=PeerStatus.IN_TRAINING, actor=coordinator, roles=roles,
                       reason="Committee approved the written request")  # fmt: skip
    last = peer.history.first()
    assert (last.event, last.reason) == (
        "Reinstated; training to complete",
        "Committee approved the written request",
    )


@pytest.mark.django_db
@pytest.mark.system_scope
def test_reinstated_peer_needs_training_dated_after_reinstatement():
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    roles = frozenset({Role.COORDINATOR})
    peer = PeerFactory(agency=kcpd)
    chicago = ZoneInfo("America/Chicago")
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=chicago), tick=False):
        team.add_training(peer=peer, held_on=date(2026, 3, 2), topic="Quarterly training",
                          hours=Decimal("4"), actor=coordinator)  # fmt: skip
    with time_machine.travel(datetime(2026, 5, 4, 10, tzinfo=chicago), tick=False):
        team.change_status(peer=peer, to=PeerStatus.INACTIVE, actor=coordinator, roles=roles,
                           reason="Written request to the Committee")  # fmt: skip
    with time_machine.travel(datetime(2026, 9, 14, 9, tzinfo=chicago), tick=False):
        # Recorded that morning, before the reinstatement: it does not count.
        team.add_training(peer=peer, held_on=date(2026, 9, 14), topic="Session while inactive",
                          hours=Decimal("2"), actor=coordinator)  # fmt: skip
    with time_machine.travel(datetime(2026, 9, 14, 10, tzinfo=chicago), tick=False):
        team.change_status(peer=peer, to=PeerStatus.IN_TRAINING, actor=coordinator, roles=roles,
                           reason="Committee approved the written request")  # fmt: skip
    with time_machine.travel(datetime(2026, 9, 15, 10, tzinfo=chicago), tick=False):
        blockers = team.activation_blockers(peer)
        assert blockers == [
            "Reinstated on Sep 14, 2026: the policy requires training to complete for "
            "reinstatement (Policy 830 IV.E.6.b), and no training dated after the "
            "reinstatement is recorded"
        ]
        with pytest.raises(ValidationError, match=r"IV\.E\.6\.b"):
            team.change_status(peer=peer, to=PeerStatus.ACTIVE, actor=coordinator, roles=roles,
                               reason="")  # fmt: skip
        peer.refresh_from_db()
        assert peer.status == PeerStatus.IN_TRAINING
        team.add_training(peer=peer, held_on=date(2026, 9, 15), topic="Reinstatement training",
                          hours=Decimal("8"), actor=coordinator)  # fmt: skip
        assert team.activation_blockers(peer) == []
        team.change_status(peer=peer, to=PeerStatus.ACTIVE, actor=coordinator, roles=roles,
                           reason="")  # fmt: skip
    peer.refresh_from_db()
    assert peer.status == PeerStatus.ACTIVE


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_first_training_peer_may_count_any_training_record(agency, users):
    coordinator = users[Role.COORDINATOR]
    peer = PeerFactory(agency=agency, status=PeerStatus.IN_TRAINING, active_since=None)
    assert team.activation_blockers(peer) == ["No training is recorded yet"]
    team.add_training(peer=peer, held_on=timezone.localdate() - timedelta(days=400),
                      topic="Academy course", hours=Decimal("40"), actor=coordinator)  # fmt: skip
    assert team.activation_blockers(peer) == []


@pytest.mark.django_db
def test_an_impossible_move_is_refused_with_a_message(agency, users):
    peer = PeerFactory(agency=agency, status=PeerStatus.REMOVED)
    with pytest.raises(ValidationError, match="cannot become active"):
        team.change_status(peer=peer, to=PeerStatus.ACTIVE, actor=users[Role.COORDINATOR],
                           roles=frozenset({Role.COORDINATOR}), reason="")  # fmt: skip


@pytest.mark.django_db
@pytest.mark.system_scope
def test_restore_is_refused_while_the_flag_stands_and_allowed_after(agency, users):
    peer = PeerFactory(agency=agency, person__probationary=True, callouts_suspended=True)
    with pytest.raises(ValidationError, match="still disqualifies"):
        team.restore_callouts(peer=peer, actor=users[Role.COORDINATOR])
    peer.person.probationary = False
    peer.person.save()
    team.restore_callouts(peer=peer, actor=users[Role.COORDINATOR])
    assert not Peer.objects.get(pk=peer.pk).callouts_suspended


@pytest.mark.django_db
def test_slmpd_warns_when_the_team_is_outside_twenty_to_twenty_four(login):
    slmpd = AgencyFactory(slug="slmpd", preset="slmpd")
    coordinator = member(slmpd, Role.COORDINATOR, username="coordinator.slmpd")
    PeerFactory.create_batch(3, agency=slmpd)
    text = login(coordinator).get("/slmpd/roster/").content.decode()
    assert "3 active; the policy calls for at least 20." in text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_kcpd_quarterly_training_is_overdue_until_trained_or_excused_by_memo(login):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    coordinator = member(kcpd, Role.COORDINATOR, username="coordinator.kcpd")
    peer = PeerFactory(agency=kcpd, active_since=timezone.localdate() - timedelta(days=400))
    team.add_training(peer=peer, held_on=timezone.localdate() - timedelta(days=120), topic="Q2",
                      hours=4, actor=coordinator)  # fmt: skip
    client = login(coordinator)
    assert "Overdue" in client.get("/kcpd/roster/?overdue=on").content.decode()
    memo = team.submit_memo(peer=peer, missed_on=timezone.localdate() - timedelta(days=30),
                            actor=coordinator)  # fmt: skip
    client.post(reverse("roster:memo_decide", args=["kcpd", memo.pk]), {"decision": "approve"})
    page = client.get("/kcpd/roster/?overdue=on").content.decode()
    assert peer.person.full_name not in page


def test_training_standing_follows_the_cadence():
    class P:
        trainings_per_year = 2

    assert team_standing(P, date(2026, 1, 1), date(2026, 5, 1)) == TrainingStanding.CURRENT
    assert team_standing(P, date(2026, 1, 1), date(2026, 6, 20)) == TrainingStanding.DUE
    assert team_standing(P, date(2026, 1, 1), date(2026, 8, 1)) == TrainingStanding.OVERDUE
    P.trainings_per_year = 0
    assert team_standing(P, None, date(2026, 8, 1)) == TrainingStanding.NO_CADENCE


def team_standing(policy, anchor, today):
    from roster.selectors import standing

    return standing(policy=policy, anchor=anchor, today=today)[0]
