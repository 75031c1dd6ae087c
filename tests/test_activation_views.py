"""Every activation and outbox page with an insider of each role, a member of another agency and
an anonymous visitor; and this agency's ids under the other agency's address."""

import pytest
from django.urls import reverse
from django.utils import timezone

from activations.models import Activation, AssistanceRequest
from agencies.choices import Role
from agencies.models import IncidentType, Partnership
from notifications.models import Message
from tests.factories import ShiftFactory, member
from tests.support.grid import Page, role_grid

# Someone else's activation is not shown at all to a member who may not see every one.
NOT_SHOWN = {Role.ADMIN: 404, Role.PEER: 404, Role.OFFICER: 404}
PAGES = [
    Page("activations:list", "activation.use"),
    Page("activations:detail", "activation.use", obj="activation", answers=NOT_SHOWN),
    Page("activations:status", "activation.use", obj="activation", answers=NOT_SHOWN),
    Page("notifications:outbox", "outbox.view"),
    Page("activations:partner_requests", "activation.use"),
    Page("notifications:retry", "outbox.view", obj="message", method="post", ok=302),
    Page("activations:partner_request_decide", "activation.use", obj="request", method="post",
         ok=302),
]  # fmt: skip
POSTS = ["approve", "decline", "close", "add", "external", "ask_partner"]
POSTED = [
    Page(f"activations:{name}", "activation.manage", obj="activation", method="post", ok=302)
    for name in POSTS
]


@pytest.fixture
def activation(agency, users, open_activation):
    ShiftFactory(peer__agency=agency)
    return open_activation(
        agency, actor=users[Role.COORDINATOR], incident="deadly-force", briefing="Brief"
    )


def url(name, with_pk, slug, activation):
    return reverse(name, args=[slug, activation.pk] if with_pk else [slug])


@pytest.fixture
def objects(activation, agency, other_agency):
    """The activation, a notice of it that failed, and a partner agency's request for peers."""
    theirs = Activation.objects.create(
        agency=other_agency, incident_type=IncidentType.objects.for_agency(other_agency)[0],
        occurred_at=timezone.now(), location="Downtown", members_affected=1, peers_needed=1,
        status="open",
    )  # fmt: skip
    Partnership.objects.create(proposer=other_agency, partner=agency, accepted_at=timezone.now())
    request = AssistanceRequest.objects.create(
        activation=theirs, from_agency=other_agency, to_agency=agency, peers_requested=1
    )
    failed = Message.objects.filter(agency=agency).first()
    Message.objects.filter(pk=failed.pk).update(state="failed")
    return {"activation": activation, "message": failed, "request": request}


class TestRoles(role_grid(PAGES + POSTED, objects="objects")):
    pass


@pytest.mark.django_db
@pytest.mark.parametrize("action", POSTS)
@pytest.mark.system_scope
def test_posts_to_another_agencys_activation_are_404_and_change_nothing(
    login, other_agency, activation, action
):
    outsider = member(other_agency, *Role.values, username="all.roles.kcpd")
    response = login(outsider).post(
        reverse(f"activations:{action}", args=[other_agency.slug, activation.pk]),
        {"count": "1", "reason": "x", "consulted": "x"},
    )
    assert response.status_code == 404
    assert Activation.objects.get(pk=activation.pk).status == "open"


@pytest.mark.django_db
@pytest.mark.parametrize("action", POSTS)
@pytest.mark.system_scope
def test_officers_cannot_manage_an_activation(login, users, agency, activation, action):
    response = login(users[Role.OFFICER]).post(
        reverse(f"activations:{action}", args=[agency.slug, activation.pk])
    )
    assert response.status_code == 403
    assert Activation.objects.get(pk=activation.pk).status == "open"


@pytest.mark.django_db
@pytest.mark.parametrize("page", [pytest.param(p, id=p.id) for p in PAGES if p.method == "get"])
def test_activation_pages_keep_a_fixed_query_budget(
    login, users, agency, activation, page, django_assert_max_num_queries
):
    for _ in range(20):
        ShiftFactory(peer__agency=agency)
    role = Role.COORDINATOR
    client = login(users[role])
    with django_assert_max_num_queries(15):
        assert client.get(page.url(agency.slug, {"activation": activation})).status_code == 200


@pytest.mark.django_db
def test_garbage_posts_get_messages_not_500s(login, users, agency, activation):
    client = login(users[Role.COORDINATOR])
    for action in POSTS:
        response = client.post(
            reverse(f"activations:{action}", args=[agency.slug, activation.pk]),
            {"count": "many", "consulted": ""},
        )
        assert response.status_code == 302
    response = client.post(
        "/clayton/activations/", {"incident_type": "999999", "peers_needed": "x"}
    )
    assert response.status_code == 200
