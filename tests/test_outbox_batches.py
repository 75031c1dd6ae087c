"""The doorbell rings in batches: one delivery task per few messages. Each message of a batch is
still claimed, sent and recorded on its own, so running a batch twice (or two at once) sends
each message once, and one message's failure does not hold up the others."""

from collections import Counter

import pytest
from django.core import mail
from django.db import OperationalError, connection

from activations import notices
from agencies import tenant_db
from notifications import registry, services
from notifications.models import Message, State
from notifications.sms import LocmemSmsBackend
from tests.factories import AgencyFactory, PeerFactory
from tests.support.races import run_together


@pytest.fixture
def sms():
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


def call_out(open_activation, peers: int):
    """An open activation of the Missouri default's policy calling `peers` peers, each by email
    and text: its messages pending, their on-commit ring not run. Returns the agency and the
    messages' ids."""
    agency = AgencyFactory(slug="joplin", preset="missouri-default")
    for i in range(peers):
        PeerFactory(
            agency=agency,
            person__email=f"peer{i}@joplin.example",
            person__phone=f"(417) 555-01{i:02}",
        )
    open_activation(agency, peers_needed=peers, deliver=False)
    with tenant_db.system_scope():
        ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == peers * 2
    return agency, ids


def sent_once(sms) -> bool:
    emails = Counter(m.to[0] for m in mail.outbox)
    texts = Counter(t["to"] for t in sms)
    with tenant_db.system_scope():
        states = set(Message.objects.values_list("state", flat=True))
    return states == {State.SENT} and set(emails.values()) == set(texts.values()) == {1}


@pytest.mark.django_db
def test_one_transactions_messages_ring_as_tasks_of_a_few_each(
    settings, open_activation, django_capture_on_commit_callbacks, task_calls
):
    settings.OUTBOX_BATCH_SIZE = 4
    agency = AgencyFactory(slug="joplin", preset="missouri-default")
    PeerFactory.create_batch(5, agency=agency)
    open_activation(agency, peers_needed=5)  # 10 messages
    batches = [args[0] for name, args in task_calls if name == "notifications.deliver_messages"]
    assert [len(b) for b in batches] == [4, 4, 2]
    with tenant_db.system_scope():
        assert sorted(pk for batch in batches for pk in batch) == list(
            Message.objects.order_by("pk").values_list("pk", flat=True)
        )
        assert set(Message.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.fixture
def task_calls():
    from celery.signals import task_prerun

    seen: list[tuple[str, tuple]] = []

    def record(sender=None, task=None, args=None, **extra):
        seen.append((task.name, tuple(args or ())))

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


@pytest.mark.django_db
def test_a_batch_run_twice_sends_each_message_once(open_activation, sms):
    _, ids = call_out(open_activation, peers=3)
    assert services.deliver_many(ids) == []
    assert services.deliver_many(ids) == []  # a redelivered task: every claim is refused
    assert len(mail.outbox) == 3 and len(sms) == 3
    assert sent_once(sms)


@pytest.mark.django_db
def test_one_message_failing_in_a_batch_leaves_the_others_sent(
    open_activation, sms, monkeypatch, caplog
):
    _, ids = call_out(open_activation, peers=3)
    original = notices.render_callout
    broken = ids[2]

    def render(message):
        if message.pk == broken:
            raise RuntimeError("a bug in one renderer")
        return original(message)

    monkeypatch.setattr(registry.get("callout"), "render", render)
    assert services.deliver_many(ids) == []
    assert f"Delivering message {broken} failed" in caplog.text
    with tenant_db.system_scope():
        states = dict(Message.objects.values_list("pk", "state"))
    # Its claim was rolled back with the failure: still pending, the sweep's to send.
    assert states.pop(broken) == State.PENDING
    assert set(states.values()) == {State.SENT}
    assert len(mail.outbox) + len(sms) == 5


@pytest.mark.django_db
def test_a_database_error_stops_the_batch_and_names_what_is_left(open_activation, sms, monkeypatch):
    _, ids = call_out(open_activation, peers=2)
    real = services.deliver

    def deliver(pk):
        if pk == ids[1]:
            raise OperationalError("server closed the connection unexpectedly")
        return real(pk)

    monkeypatch.setattr(services, "deliver", deliver)
    with pytest.raises(services.Interrupted) as stopped:
        services.deliver_many(ids)
    assert stopped.value.remaining == ids[1:]
    monkeypatch.setattr(services, "deliver", real)
    assert services.deliver_many(stopped.value.remaining) == []
    assert sent_once(sms)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_the_same_batch_run_three_times_at_once_sends_each_message_once(open_activation, sms):
    agency, ids = call_out(open_activation, peers=20)
    # Three workers given the same ids (a redelivery, a sweep), one of them from the far end.
    results = run_together(
        agency.pk,
        lambda: services.deliver_many(ids),
        lambda: services.deliver_many(ids),
        lambda: services.deliver_many(ids[::-1]),
    )
    assert results == [("ok", [])] * 3
    assert len(mail.outbox) == 20 and len(sms) == 20
    assert sent_once(sms)


@pytest.mark.django_db
def test_a_call_out_renders_in_two_queries_with_the_team_area_and_link(
    open_activation, django_assert_num_queries
):
    agency, ids = call_out(open_activation, peers=1)
    with tenant_db.system_scope():
        messages = list(Message.objects.filter(pk__in=ids).order_by("channel"))
    with tenant_db.agency_scope(agency.pk):
        for message in messages:
            # The call-out with what its words need, then the peer's address.
            with django_assert_num_queries(2):
                rendered = notices.render_callout(message)
            assert agency.policy.team_name in rendered.body
            assert f"/callouts/{agency.slug}/" in rendered.body
            assert agency.policy.activation_areas[0] in rendered.body
