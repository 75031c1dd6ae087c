"""Partner agencies: the partnership itself, asking a partner for peers, the partner's approver,
and partner peers in the on-call lookup."""

import pytest
from django.core import mail
from django.utils import timezone

from activations.models import AssistanceRequest, CallOut, CallState, TimeEntry
from activations.services.answers import respond
from agencies.choices import Role
from agencies.models import Partnership
from notifications.sms import LocmemSmsBackend
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member


@pytest.fixture(autouse=True)
def _clear_sms():
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def joplin(db):
    return AgencyFactory(slug="joplin", name="Joplin Police Department", preset="joplin")


@pytest.fixture
def slmpd(db):
    return AgencyFactory(
        slug="slmpd", name="St. Louis Metropolitan Police Department", preset="slmpd"
    )


@pytest.fixture
def people(joplin, slmpd):
    return {
        "joplin_admin": member(joplin, Role.ADMIN, username="admin.joplin"),
        "joplin_coordinator": member(joplin, Role.COORDINATOR, username="coordinator.joplin"),
        "slmpd_admin": member(slmpd, Role.ADMIN, username="admin.slmpd"),
        "deputy_chief": member(slmpd, Role.COMMAND, username="deputy.slmpd"),
        "slmpd_coordinator": member(slmpd, Role.COORDINATOR, username="coordinator.slmpd"),
        "slmpd_officer": member(slmpd, Role.OFFICER, username="officer.slmpd"),
    }


@pytest.fixture
def partnered(joplin, slmpd):
    return Partnership.objects.create(proposer=joplin, partner=slmpd, accepted_at=timezone.now())


@pytest.fixture
def slmpd_peers(slmpd):
    on_call = [
        ShiftFactory(
            peer__agency=slmpd,
            peer__person__first_name=name,
            peer__person__last_name=f"{name}son",
            peer__person__email=f"{name.lower()}@slmpd.example.org",
        ).peer
        for name in ["Dana", "Eli"]
    ]
    spare = PeerFactory(agency=slmpd, person__first_name="Finn", person__email="finn@slmpd.org")
    return {"on_call": on_call, "spare": spare}


@pytest.fixture
def joplin_activation(joplin, people, open_activation):
    return open_activation(
        joplin, actor=people["joplin_coordinator"], incident="deadly-force",
        location="Range Line Road", members_affected=3, briefing="Officer-involved shooting.",
    )  # fmt: skip


def ask(client, activation, slmpd, callbacks, count=1):
    with callbacks(execute=True):
        return client.post(
            f"/joplin/activations/{activation.pk}/ask-partner/",
            {"partner": slmpd.pk, "count": count},
        )


@pytest.fixture
def asked(login, people, slmpd, partnered, slmpd_peers, joplin_activation,
          django_capture_on_commit_callbacks):  # fmt: skip
    """Joplin's coordinator has asked SLMPD for one peer."""
    ask(login(people["joplin_coordinator"]), joplin_activation, slmpd,
        django_capture_on_commit_callbacks)  # fmt: skip
    return AssistanceRequest.objects.get()


def decide(client, request, decision, callbacks, slug="slmpd"):
    with callbacks(execute=True):
        return client.post(
            f"/{slug}/activations/partner-requests/{request.pk}/decide/",
            {"decision": decision},
            follow=True,
        )


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_admin_proposes_a_partnership_and_the_other_admin_accepts(login, people, slmpd):
    joplin_admin = login(people["joplin_admin"])
    assert joplin_admin.post("/joplin/partners/", {"partner": "SLMPD"}).status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.accepted_at is None
    # The proposer cannot accept its own proposal.
    joplin_admin.post(f"/joplin/partners/{partnership.pk}/answer/", {"answer": "accept"})
    assert Partnership.objects.get().accepted_at is None
    page = login(people["slmpd_admin"]).get("/slmpd/partners/").content.decode()
    assert "Joplin Police Department" in page
    login(people["slmpd_admin"]).post(
        f"/slmpd/partners/{partnership.pk}/answer/", {"answer": "accept"}
    )
    assert Partnership.objects.get().accepted_at is not None


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_partnership_to_an_unknown_or_the_same_agency_or_twice_is_refused(
    login, people, partnered
):
    client = login(people["joplin_admin"])
    for slug, text in [
        ("nowhere", "No other agency has that short name."),
        ("joplin", "No other agency has that short name."),
        ("slmpd", "You already have a partnership with"),
    ]:
        response = client.post("/joplin/partners/", {"partner": slug}, follow=True)
        assert text in response.content.decode()
    assert Partnership.objects.count() == 1


@pytest.mark.django_db
def test_either_admin_may_end_a_partnership(login, people, partnered):
    login(people["slmpd_admin"]).post(f"/slmpd/partners/{partnered.pk}/answer/", {"answer": "end"})
    assert not Partnership.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_agency_outside_the_partnership_cannot_answer_it(login, people, partnered):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    outsider = login(member(kcpd, Role.ADMIN, username="admin.kcpd"))
    response = outsider.post(f"/kcpd/partners/{partnered.pk}/answer/", {"answer": "end"})
    assert response.status_code == 404
    assert Partnership.objects.filter(pk=partnered.pk).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_deputy_chief_approves_and_the_partners_peers_are_called(
    login, people, slmpd, partnered, slmpd_peers, joplin_activation,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    response = ask(
        login(people["joplin_coordinator"]), joplin_activation, slmpd,
        django_capture_on_commit_callbacks, count=2,
    )  # fmt: skip
    assert response.status_code == 302
    request = AssistanceRequest.objects.get()
    assert request.state == "requested"
    notice = [m for m in mail.outbox if m.subject == "Request for peers"]
    assert [m.to for m in notice] == [["deputy.slmpd@example.org"]]  # the approver, nobody else
    assert "/slmpd/activations/partner-requests/" in notice[0].body
    # Both agencies see the request.
    joplin_page = login(people["joplin_coordinator"]).get("/joplin/activations/partner-requests/")
    assert "We asked St. Louis Metropolitan Police Department" in joplin_page.content.decode()
    slmpd_page = login(people["slmpd_officer"]).get("/slmpd/activations/partner-requests/")
    assert "Joplin Police Department asks us" in slmpd_page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(people["deputy_chief"]).post(
            f"/slmpd/activations/partner-requests/{request.pk}/decide/", {"decision": "approve"}
        )
    request.refresh_from_db()
    assert request.state == "approved"
    called = {c.peer for c in CallOut.objects.filter(assistance=request)}
    assert called == set(slmpd_peers["on_call"])
    assert sorted(m.to[0] for m in mail.outbox) == [
        "dana@slmpd.example.org",
        "eli@slmpd.example.org",
    ]
    assert "/callouts/joplin/" in LocmemSmsBackend.outbox[0]["body"]
    # The asking agency sees the assigned peers' names, nothing more of the partner's roster.
    joplin_page = login(people["joplin_coordinator"]).get("/joplin/activations/partner-requests/")
    text = joplin_page.content.decode()
    assert "Dana Danason" in text and "Finn" not in text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_partners_coordinator_may_not_decide_when_the_policy_names_the_deputy_chief(
    login, people, asked, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    response = decide(login(people["slmpd_coordinator"]), asked, "approve", callbacks)
    assert "The policy gives this decision to" in response.content.decode()
    # Nor may the asking agency decide its own request.
    decide(login(people["joplin_coordinator"]), asked, "approve", callbacks, slug="joplin")
    assert AssistanceRequest.objects.get().state == "requested"
    assert not CallOut.objects.filter(assistance=asked).exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_declined_request_calls_nobody(login, people, asked, django_capture_on_commit_callbacks):
    decide(login(people["deputy_chief"]), asked, "decline", django_capture_on_commit_callbacks)
    assert AssistanceRequest.objects.get().state == "declined"
    assert not CallOut.objects.filter(assistance=asked).exists()


@pytest.mark.django_db
def test_asking_an_agency_that_is_not_a_partner_is_refused(
    login, people, slmpd, slmpd_peers, joplin_activation, django_capture_on_commit_callbacks
):
    response = ask(login(people["joplin_coordinator"]), joplin_activation, slmpd,
                   django_capture_on_commit_callbacks)  # fmt: skip
    assert response.status_code == 302
    assert not AssistanceRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_partner_peer_who_declines_is_replaced_from_the_partner_and_accepting_earns_its_time(
    login, people, slmpd, asked, django_capture_on_commit_callbacks
):
    callbacks = django_capture_on_commit_callbacks
    decide(login(people["deputy_chief"]), asked, "approve", callbacks)
    first = CallOut.objects.get(assistance=asked)
    with callbacks(execute=True):
        respond(callout=first, accept=False)
    second = CallOut.objects.filter(assistance=asked).exclude(pk=first.pk).get()
    assert second.peer.agency == slmpd and second.state == CallState.CALLED
    with callbacks(execute=True):
        respond(callout=second, accept=True)
    entry = TimeEntry.objects.get(callout=second)
    assert entry.agency == slmpd and entry.kind == "days_off"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_partner_peers_on_call_appear_in_the_lookup_only_where_both_policies_allow(
    login, joplin, slmpd, partnered, slmpd_peers
):
    officer = login(member(joplin, Role.OFFICER))
    page = officer.get("/joplin/on-call/").content.decode()
    assert "Dana" not in page  # Joplin's policy does not show partner peers
    joplin.policy.partner_peers_in_lookup = True
    joplin.policy.save()
    page = officer.get("/joplin/on-call/").content.decode()
    assert "On call at St. Louis Metropolitan Police Department" in page
    assert "Dana" in page and "Finn" not in page  # on call now only
    slmpd.policy.partner_peers_in_lookup = False
    slmpd.policy.save()
    assert "Dana" not in officer.get("/joplin/on-call/").content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_proposed_partnership_shows_no_partner_peers(login, joplin, slmpd, slmpd_peers):
    Partnership.objects.create(proposer=joplin, partner=slmpd)
    joplin.policy.partner_peers_in_lookup = True
    joplin.policy.save()
    page = login(member(joplin, Role.OFFICER)).get("/joplin/on-call/").content.decode()
    assert "Dana" not in page


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_lent_peer_subscribed_in_their_own_agency_gets_the_asking_agencys_call_out_by_push(
    login, people, slmpd, asked, slmpd_peers, settings, django_capture_on_commit_callbacks
):
    from notifications import push
    from notifications.management.commands.vapid_keys import new_pair
    from notifications.models import Message
    from tests.support.push import Browser, PushService

    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_pair()
    service, browsers = PushService(), {}
    try:
        for peer in slmpd_peers["on_call"]:
            browsers[peer.pk] = Browser()
            push.subscribe(
                agency=slmpd, recipient_type="person", recipient_id=peer.person_id,
                endpoint=service.url(f"/{peer.pk}"), actor=None, **browsers[peer.pk].keys(),
            )  # fmt: skip
        decide(login(people["deputy_chief"]), asked, "approve", django_capture_on_commit_callbacks)
        [call] = CallOut.objects.filter(assistance=asked)
        [post] = service.received
    finally:
        service.close()
    assert post["path"] == f"/{call.peer_id}"
    link = browsers[call.peer_id].decrypt(post["body"])["url"]
    assert "/callouts/joplin/" in link
    [row] = Message.objects.filter(channel="push")
    assert (row.agency_id, row.state) == (asked.from_agency_id, "sent")
