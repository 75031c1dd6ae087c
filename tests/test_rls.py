"""PostgreSQL row-level security: the database itself keeps each agency's rows apart, whatever
the code asks (agencies/rls.py, agencies/tenant_db.py). These run on PostgreSQL, as the app
role (tests/conftest.py); SQLite keeps the application-level scoping only."""

import os
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from activations.models import Activation, AssistanceRequest, CallOut, OutreachCount, TimeEntry
from agencies import rls, tenant_db
from agencies.models import Agency, Partnership
from checkins import models as checkins
from notifications.models import PushSubscription
from roster.models import PeerStatusChange, TrainingRecord
from security.models import AuditEvent
from tests.factories import AgencyFactory, PeerFactory, PersonFactory, on_the_hour
from tests.support.objects import one_of_everything
from tests.support.rls import APP_ROLE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]

# Tables that name an agency but hold no agency's rows: the reason is the test.
NOT_TENANT_OWNED = {
    # A provider's place serves several agencies; `station_of` only says whose station it is.
    "checkins.Location",
}


def _fill_every_table(agency: Agency, partner: Agency) -> None:
    """At least one row in every protected table, so that "no rows" below means something."""
    everything = one_of_everything(agency, partner)
    peer, activation = everything["peer"], everything["activation"]
    everything["partnership"].accepted_at = timezone.now()
    everything["partnership"].save()
    activation.involved_peers.add(PeerFactory(agency=agency))
    call = CallOut.objects.for_agency(agency).first()
    TimeEntry.objects.create(
        agency=agency, peer=peer, callout=call, kind="overtime", started_at=timezone.now()
    )
    OutreachCount.objects.create(agency=agency, month=date.today().replace(day=1), reason="x")
    PeerStatusChange.objects.create(agency=agency, peer=peer, event="joined")
    TrainingRecord.objects.create(agency=agency, peer=peer, date=date.today(), topic="t", hours=1)
    AuditEvent.objects.create(agency=agency, action="test", outcome="done")
    provider = checkins.Provider.objects.create(name="EAP")
    location = checkins.Location.objects.create(provider=provider, name="Office")
    checkins.ProviderContract.objects.create(agency=agency, provider=provider)
    checkins.Program.objects.create(agency=agency, started_on=date.today())
    checkins.DueDate.objects.create(agency=agency, person=peer.person, due_on=date.today())
    run = checkins.ScheduleRun.objects.create(agency=agency, horizon_end=date.today())
    # Two hours from now, whatever the hour: the beat test below expects it to be reminded of.
    starts = on_the_hour(hours=2)
    appointment = checkins.Appointment.objects.create(
        agency=agency,
        person=PersonFactory(agency=agency),  # one_of_everything's peer has one already
        provider=provider,
        location=location,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        run=run,
    )
    checkins.AppointmentNotice.objects.create(
        agency=agency, appointment=appointment, kind="notice", days_before=30
    )
    checkins.RescheduleRequest.objects.create(agency=agency, appointment=appointment, reason="r")
    checkins.MissedCheckin.objects.create(agency=agency, appointment=appointment)
    PushSubscription.objects.create(
        agency=agency, recipient_type="person", recipient_id=peer.person_id,
        endpoint="https://push.example.net/1", p256dh="k", auth="a",
    )  # fmt: skip


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return cursor.fetchone()[0]


@pytest.fixture
def filled(agency, other_agency):
    _fill_every_table(agency, other_agency)
    return agency, other_agency


def test_raw_sql_with_no_agency_set_returns_no_rows_from_any_tenant_table(filled):
    tables = rls.protected_tables()
    with tenant_db.system_scope():
        empty = [t for t in tables if _count(t) == 0]
    assert not empty, f"give these tables a row in _fill_every_table: {empty}"
    with tenant_db.user_scope(None):
        seen = {t: n for t in tables if (n := _count(t))}
    assert seen == {}


def test_the_app_role_cannot_bypass_row_level_security():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        user, superuser, bypass = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity"
            " FROM pg_class c WHERE c.relname = ANY(%s)",
            [rls.protected_tables()],
        )
        tables = cursor.fetchall()
    assert (user, superuser, bypass) == (APP_ROLE, False, False)
    assert len(tables) == len(rls.protected_tables())
    for name, owner, enabled, forced in tables:
        assert owner != user, name
        assert enabled and forced, name


def test_every_table_that_names_an_agency_has_a_policy():
    """A new model with an agency foreign key is protected, or listed here with its reason."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tablename FROM pg_policies")
        with_policy = {row[0] for row in cursor.fetchall()}
    names_an_agency = {
        m._meta.label: m._meta.db_table
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Agency
    }
    missing = {
        label
        for label, table in names_an_agency.items()
        if table not in with_policy and label not in NOT_TENANT_OWNED
    }
    assert missing == set()
    assert set(rls.protected_tables()) <= with_policy


def test_one_agency_sees_and_writes_only_its_own_rows(filled):
    agency, other = filled
    PeerFactory(agency=other)
    peers = apps.get_model("roster", "Peer").objects
    with tenant_db.agency_scope(other.pk):
        assert set(peers.values_list("agency_id", flat=True)) == {other.pk}
        # Even asked by id, without any agency filter, the other agency's rows are not there.
        assert not peers.filter(agency=agency).exists()
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            PeerFactory(agency=agency, person__agency=other)
        assert peers.filter(agency=agency).update(station="x") == 0


def test_a_partner_reads_only_what_an_assistance_request_shows_it(filled):
    agency, partner = filled
    stranger = AgencyFactory(slug="stranger")
    with tenant_db.system_scope():
        activation = Activation.objects.for_agency(agency).get()
    lent = PeerFactory(agency=partner)
    with tenant_db.system_scope():
        PushSubscription.objects.create(
            agency=partner, recipient_type="person", recipient_id=lent.person_id,
            endpoint="https://push.example.net/lent", p256dh="k", auth="a",
        )  # fmt: skip
    with tenant_db.agency_scope(partner.pk):
        # Asked for peers: the activation it was asked about, and nothing else of the agency.
        assert list(Activation.objects.all()) == [activation]
        assert AssistanceRequest.objects.count() == 1
        assert not apps.get_model("roster", "Person").objects.filter(agency=agency).exists()
    with tenant_db.agency_scope(stranger.pk):
        assert not Activation.objects.exists()
        assert not AssistanceRequest.objects.exists()
    with tenant_db.agency_scope(agency.pk):
        assert not apps.get_model("roster", "Peer").objects.filter(pk=lent.pk).exists()
        assert not PushSubscription.objects.filter(agency=partner).exists()
        CallOut.objects.create(
            agency=agency,
            activation=activation,
            peer=lent,
            assistance=AssistanceRequest.objects.get(),
        )
        # Called, the lent peer is readable by the asking agency; the partner's others are not.
        assert list(apps.get_model("roster", "Peer").objects.filter(agency=partner)) == [lent]
        # And so are the lent peer's devices, for the call-out's push; read, never changed.
        [device] = PushSubscription.objects.filter(agency=partner)
        assert device.endpoint.endswith("/lent")
        assert PushSubscription.objects.filter(agency=partner).delete()[0] == 0


def test_memberships_are_read_across_agencies_only_by_their_own_user(agency, other_agency, users):
    memberships = apps.get_model("agencies", "Membership").objects
    outsider = users["outsider"]
    with tenant_db.user_scope(outsider.pk):
        assert set(memberships.values_list("user_id", flat=True)) == {outsider.pk}
    with tenant_db.user_scope(None):
        assert not memberships.exists()


@pytest.mark.system_scope
def test_a_partnership_is_seen_by_its_two_agencies_only(agency, other_agency):
    Partnership.objects.create(proposer=agency, partner=other_agency)
    stranger = AgencyFactory(slug="stranger")
    for seer, expected in [(agency, 1), (other_agency, 1), (stranger, 0)]:
        with tenant_db.agency_scope(seer.pk):
            assert Partnership.objects.count() == expected


@pytest.mark.system_scope
def test_the_lookup_reads_a_partners_peers_only_where_both_policies_allow_it(agency, other_agency):
    from agencies.models import Policy
    from roster.models import Peer, Person

    theirs = PeerFactory(agency=other_agency)
    PersonFactory(agency=other_agency)  # in their directory, not on their team
    partnership = Partnership.objects.create(proposer=agency, partner=other_agency)

    def seen():
        with tenant_db.agency_scope(agency.pk):
            peers = set(Peer.objects.filter(agency=other_agency).values_list("pk", flat=True))
            people = Person.objects.filter(agency=other_agency).count()
        return peers, people

    Policy.objects.filter(agency__in=[agency, other_agency]).update(partner_peers_in_lookup=True)
    assert seen() == (set(), 0)  # proposed, not yet accepted
    partnership.accepted_at = timezone.now()
    partnership.save()
    assert seen() == ({theirs.pk}, 1)  # the peer's person only, not the directory
    Policy.objects.filter(agency=other_agency).update(partner_peers_in_lookup=False)
    assert seen() == (set(), 0)


def test_the_audit_log_takes_events_without_an_agency_and_changes_none(agency):
    with tenant_db.user_scope(None):
        with pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
            AuditEvent.objects.create(action="login.failed", outcome="denied")
        assert not AuditEvent.objects.exists()
    with tenant_db.system_scope():
        AuditEvent.objects.create(action="login.failed", outcome="denied")
    with tenant_db.agency_scope(agency.pk):
        AuditEvent.objects.create(agency=agency, action="x", outcome="done")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE security_auditevent SET action = 'changed'")
            assert cursor.rowcount == 0


@pytest.mark.system_scope
def test_a_provider_sees_its_own_appointments_in_every_agency(filled, agency):
    appointment = checkins.Appointment.objects.get(provider__name="EAP")
    staff = apps.get_model("agencies", "User").objects.create(username="eap.staff")
    with tenant_db.provider_scope(staff.pk):
        assert not checkins.Appointment.objects.exists()
    appointment.provider.staff.add(staff)
    with tenant_db.provider_scope(staff.pk):
        assert list(checkins.Appointment.objects.select_related("person")) == [appointment]
        assert not checkins.DueDate.objects.exists()


def test_a_scope_is_per_transaction_and_ends_with_its_block(agency):
    with tenant_db.agency_scope(agency.pk), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.agency_id')")
        assert cursor.fetchone()[0] == str(agency.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.scope', true)")
        assert cursor.fetchone()[0] == ""  # a test body's default, none, restored


def test_integrity_errors_still_surface_under_a_scope(agency):
    with (
        tenant_db.agency_scope(agency.pk),
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        Partnership.objects.create(proposer=agency, partner=agency, pk=None)
        Partnership.objects.create(proposer=agency, partner=agency)


def test_every_beat_task_sets_its_own_scope(filled):
    """Run with no scope at all, as a worker runs them: each finds its work across agencies and
    does it in the agency of each row."""
    from activations.tasks import escalate_due_task
    from checkins.tasks import daily_sweep
    from notifications.models import Message
    from notifications.tasks import sweep_outbox

    agency, _ = filled
    with tenant_db.system_scope():
        # The callout notice one_of_everything left failed is due again.
        Message.objects.update(state="pending", due_at=timezone.now())
        Activation.objects.update(last_wave_at=timezone.now() - timedelta(days=1))
        CallOut.objects.update(called_at=timezone.now() - timedelta(days=1))  # had its wait
    with tenant_db.user_scope(None):
        assert sweep_outbox() == 1
        assert escalate_due_task() == 1
        assert daily_sweep()["reminders"] > 0  # for the appointment in two hours
    with tenant_db.system_scope():
        assert Message.objects.get(purpose="callout", channel="email").state == "sent"
        assert Activation.objects.for_agency(agency).get().exhausted_at is not None


def test_the_app_connection_passes_the_bypass_check_and_the_owner_does_not():
    import environ
    import psycopg
    from django.core.checks import run_checks

    assert rls.bypass_problems(connection.cursor()) == []
    assert not [w for w in run_checks(databases=["default"]) if w.id == "agencies.W001"]
    owner = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    with psycopg.connect(
        host=owner["HOST"], port=owner["PORT"] or 5432, user=owner["USER"],
        dbname=connection.settings_dict["NAME"], password=owner.get("PASSWORD") or None,
    ) as conn, conn.cursor() as cursor:  # fmt: skip
        assert rls.bypass_problems(cursor)  # a superuser, and the tables' owner
