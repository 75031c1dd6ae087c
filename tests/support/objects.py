"""One object of every kind a page can take an id of, all in one agency."""

from datetime import date

from django.utils import timezone

from activations import tokens
from activations.models import Activation, AssistanceRequest, CallOut
from agencies.choices import Role
from agencies.models import Agency, IncidentType, InterventionType, Partnership
from checkins.models import MissedCheckin, RescheduleRequest, ScheduleRun
from notifications.models import Message
from roster.models import Application, DirectoryImport, TrainingMemo
from tests.factories import AppointmentFactory, PeerFactory, ResourceFactory, ShiftFactory, member
from tests.support.scopes import building
from usage_reports.models import DayOff, UsageReport


def one_of_everything(agency: Agency, partner: Agency, *, peer_user=None) -> dict:
    with building():
        return _everything(agency, partner, peer_user=peer_user)


def _everything(agency: Agency, partner: Agency, *, peer_user=None) -> dict:
    peer = PeerFactory(agency=agency, **({"person__user": peer_user} if peer_user else {}))
    coordinator = member(agency, Role.COORDINATOR)
    activation = Activation.objects.create(
        agency=agency, incident_type=IncidentType.objects.for_agency(agency)[0],
        occurred_at=timezone.now(), location="Downtown", members_affected=1, peers_needed=1,
        status="open",
    )  # fmt: skip
    call = CallOut.objects.create(agency=agency, activation=activation, peer=peer)
    appointment = AppointmentFactory(agency=agency, person=peer.person)
    past = AppointmentFactory(agency=agency, starts_at=timezone.now(), state="missed")
    return {
        "resource": ResourceFactory(agency=agency),
        "partnership": Partnership.objects.create(proposer=agency, partner=partner),
        "peer": peer,
        "person": peer.person,
        "memo": TrainingMemo.objects.create(agency=agency, peer=peer, missed_on=date.today(),
                                            submitted_on=date.today()),
        "application": Application.objects.create(
            agency=agency, peer=PeerFactory(agency=agency, status="applicant"),
            submitted_on=date.today(),
        ),
        "upload": DirectoryImport.objects.create(agency=agency, uploaded_by=coordinator,
                                                 filename="x.csv", content="a,b"),
        "shift": ShiftFactory(peer=peer),
        "message": Message.objects.create(
            agency=agency, purpose="callout", subject_type="activations.callout",
            subject_id=call.pk, recipient_type="person", recipient_id=peer.person_id,
            channel="email", state="failed", due_at=timezone.now(),
        ),
        "activation": activation,
        "assistance": AssistanceRequest.objects.create(
            activation=activation, from_agency=agency, to_agency=partner, peers_requested=1
        ),
        "usage": UsageReport.objects.create(
            agency=agency, peer=peer, served_at=timezone.now(), duration_minutes=10,
            incident_type=IncidentType.objects.for_agency(agency)[0],
            intervention_type=InterventionType.objects.for_agency(agency)[0],
            contact_mode="phone", on_duty=True,
        ),
        "day_off": DayOff.objects.create(agency=agency, peer=peer, taken_on=date.today()),
        "run": ScheduleRun.objects.create(agency=agency, horizon_end=date.today()),
        "appointment": appointment,
        "reschedule": RescheduleRequest.objects.create(
            agency=agency, appointment=appointment, reason="Court"
        ),
        "missed": MissedCheckin.objects.create(agency=agency, appointment=past),
        "callout_token": tokens.make(callout_id=call.pk, agency_id=agency.pk),
    }  # fmt: skip
