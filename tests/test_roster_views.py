"""Every roster page with an insider of each role, a member of another agency, and an anonymous
visitor; and every object id of one agency tried under the other's address."""

import pytest
from django.urls import reverse

from agencies.choices import Role
from roster.models import OnCallShift, TrainingMemo
from roster.services import team
from tests.factories import PeerFactory, PersonFactory, ShiftFactory
from tests.support.grid import Page, allowed_roles, role_grid

PAGES = [
    Page("roster:lookup", "oncall.view"),
    Page("roster:print", "oncall.view"),
    Page("roster:team", "roster.manage"),
    Page("roster:peer", "roster.manage", obj="peer"),
    Page("roster:applications", "application.view"),
    Page("roster:application_new", "roster.manage"),
    Page("roster:application", "application.view", obj="application"),
    Page("roster:people", "directory.manage"),
    Page("roster:person_new", "directory.manage"),
    Page("roster:person", "directory.manage", obj="person"),
    Page("roster:people_export", "directory.manage"),
    Page("roster:people_import", "directory.manage"),
    Page("roster:schedule", "schedule.manage"),
    Page("roster:me", "peer.self"),
]
POSTS = [
    ("roster:peer_status", "peer"),
    ("roster:peer_agreement", "peer"),
    ("roster:peer_training", "peer"),
    ("roster:peer_memo", "peer"),
    ("roster:peer_role", "peer"),
    ("roster:peer_restore", "peer"),
    ("roster:memo_decide", "memo"),
    ("roster:application_interview", "application"),
    ("roster:application_decide", "application"),
    ("roster:shift_delete", "shift"),
    ("roster:people_import_confirm", "staged"),
]
# An empty post: a form shows its errors again (200); a button's post goes back (302).
POSTED = [
    Page("roster:peer_status", "roster.manage", obj="peer", method="post", ok=200),
    Page("roster:peer_agreement", "roster.manage", obj="peer", method="post", ok=200),
    Page("roster:peer_training", "roster.manage", obj="peer", method="post", ok=200),
    Page("roster:peer_memo", "roster.manage", obj="peer", method="post", ok=200),
    Page("roster:peer_role", "roster.manage", obj="peer", method="post", ok=302),
    Page("roster:peer_restore", "roster.manage", obj="peer", method="post", ok=302),
    Page("roster:memo_decide", "roster.manage", obj="memo", method="post", ok=302),
    Page("roster:application_interview", "roster.manage", obj="application", method="post"),
    Page("roster:application_decide", "application.view", obj="application", method="post"),
    Page("roster:shift_delete", "schedule.manage", obj="shift", method="post", ok=302),
    # Push for the peer's own devices: an empty post is refused with a message, back to the page.
    Page("roster:push_subscribe", "peer.self", method="post", ok=302),
    Page("roster:push_unsubscribe", "peer.self", method="post", ok=302),
    # The upload is the coordinator's own: the admin, who may import too, does not see it.
    Page("roster:people_import_confirm", "directory.manage", obj="staged", method="post",
         answers={Role.ADMIN: 404}),
]  # fmt: skip


@pytest.fixture
def objects(agency, users):
    peer = ShiftFactory(peer__agency=agency).peer
    applicant = PersonFactory(agency=agency)
    application = team.submit_application(
        person=applicant, submitted_on=applicant.hire_date, actor=users[Role.COORDINATOR]
    )
    memo = TrainingMemo.objects.create(
        agency=agency, peer=peer, missed_on=applicant.hire_date, submitted_on=applicant.hire_date
    )
    from roster.services.directory_csv import stage_import

    staged = stage_import(
        agency=agency, user=users[Role.COORDINATOR], filename="x.csv", text="employee_number\n"
    )
    PeerFactory(agency=agency, person__user=users[Role.PEER])  # the peer's own page
    return {
        "peer": peer.pk,
        "person": applicant.pk,
        "application": application.pk,
        "memo": memo.pk,
        "shift": OnCallShift.objects.get(peer=peer).pk,
        "staged": staged.pk,
    }


def url(name, key, slug, objects):
    args = [slug] + ([objects[key]] if key else [])
    return reverse(name, args=args)


class TestRoles(role_grid(PAGES + POSTED, objects="objects")):
    pass


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key"), [(p.url_name, p.obj) for p in PAGES if p.obj])
def test_this_agencys_object_under_the_other_agencys_address_is_404(
    login, users, other_agency, objects, name, key
):
    from tests.factories import member

    outsider = member(other_agency, *Role.values, username="all.roles.kcpd")
    response = login(outsider).get(url(name, key, other_agency.slug, objects))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key"), POSTS)
@pytest.mark.system_scope
def test_posting_to_another_agencys_object_is_404_and_changes_nothing(
    login, other_agency, objects, name, key
):
    from tests.factories import member

    outsider = member(other_agency, *Role.values, username="all.roles.kcpd")
    response = login(outsider).post(url(name, key, other_agency.slug, objects), {"x": "1"})
    assert response.status_code == 404
    assert OnCallShift.objects.filter(pk=objects["shift"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", [pytest.param(p, id=p.id) for p in PAGES if p.url_name != "roster:lookup"]
)
def test_every_roster_page_keeps_a_fixed_query_budget(
    login, users, agency, objects, page, django_assert_max_num_queries
):
    for _ in range(25):
        ShiftFactory(peer__agency=agency)
    PeerFactory.create_batch(25, agency=agency)
    allowed = allowed_roles(page.action)
    role = next(r for r in (Role.COORDINATOR, Role.OFFICER, Role.PEER) if r in allowed)
    client = login(users[role])
    with django_assert_max_num_queries(16):
        assert client.get(page.url(agency.slug, objects)).status_code == 200


@pytest.mark.django_db
def test_bad_form_posts_answer_with_a_message_never_a_500(login, users, agency, objects):
    client = login(users[Role.COORDINATOR])
    for name, key in POSTS:
        response = client.post(url(name, key, agency.slug, objects), {"to": "nonsense"})
        assert response.status_code in (200, 302), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("held_on", "reason"),
    [
        ("2099-01-01", "cannot be in the future"),
        ("1900-01-01", "cannot be before January 1, 2000"),
        ("2005-01-01", "before the application"),
    ],
)
def test_an_interview_refused_by_the_rules_says_why(login, users, agency, objects, held_on, reason):
    client = login(users[Role.COORDINATOR])
    response = client.post(
        url("roster:application_interview", "application", agency.slug, objects),
        {"held_on": held_on, "passed": "yes"},
    )
    assert response.status_code == 200 and reason in response.content.decode()
