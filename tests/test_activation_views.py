"""Every activation and outbox page with an insider of each role, a member of another agency and
an anonymous visitor; and this agency's ids under the other agency's address."""

import pytest
from django.urls import reverse
from django.utils import timezone

from activations.models import Activation
from activations.services import activation as service
from agencies.choices import Role
from agencies.models import IncidentType
from tests.factories import ShiftFactory, member

MEMBERS = set(Role.values) - {Role.PROVIDER}
SEE_ALL = {Role.COORDINATOR, Role.COMMAND}
PAGES = [
    ("activations:list", False, MEMBERS),
    ("activations:detail", True, SEE_ALL),
    ("activations:status", True, SEE_ALL),
    ("notifications:outbox", False, {Role.COORDINATOR, Role.ADMIN}),
    ("activations:partner_requests", False, MEMBERS),
]
POSTS = ["approve", "decline", "close", "add", "external", "ask_partner"]


@pytest.fixture
def activation(agency, users, django_capture_on_commit_callbacks):
    ShiftFactory(peer__agency=agency)
    with django_capture_on_commit_callbacks(execute=True):
        return service.create(
            agency=agency, actor=users[Role.COORDINATOR], roles=frozenset({Role.COORDINATOR}),
            incident_type=IncidentType.objects.for_agency(agency).get(code="deadly-force"),
            occurred_at=timezone.now(), location="Downtown", members_affected=1,
            briefing="Brief", peers_needed=1,
        )  # fmt: skip


def url(name, with_pk, slug, activation):
    return reverse(name, args=[slug, activation.pk] if with_pk else [slug])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "with_pk", "allowed"), PAGES)
def test_anonymous_visitor_is_sent_to_login(client, agency, activation, name, with_pk, allowed):
    response = client.get(url(name, with_pk, agency.slug, activation))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "with_pk", "allowed"), PAGES)
def test_member_of_another_agency_gets_404(login, users, agency, activation, name, with_pk,
                                           allowed):  # fmt: skip
    assert (
        login(users["outsider"]).get(url(name, with_pk, agency.slug, activation)).status_code == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "with_pk", "allowed"), PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_insiders_see_what_their_role_allows(login, users, agency, activation, name, with_pk,
                                             allowed, role):  # fmt: skip
    response = login(users[role]).get(url(name, with_pk, agency.slug, activation))
    if role in allowed:
        assert response.status_code == 200
    else:
        # Someone else's activation is not shown at all to a member who may not see it.
        assert response.status_code in (403, 404)


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
@pytest.mark.parametrize(("name", "with_pk", "allowed"), PAGES)
def test_activation_pages_keep_a_fixed_query_budget(
    login, users, agency, activation, name, with_pk, allowed, django_assert_max_num_queries
):
    for _ in range(20):
        ShiftFactory(peer__agency=agency)
    role = Role.COORDINATOR
    client = login(users[role])
    with django_assert_max_num_queries(15):
        assert client.get(url(name, with_pk, agency.slug, activation)).status_code == 200


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
