"""Every roster page with an insider of each role, a member of another agency, and an anonymous
visitor; and every object id of one agency tried under the other's address."""

import pytest
from django.urls import reverse

from agencies.choices import Role
from roster.models import OnCallShift, TrainingMemo
from roster.services import team
from tests.factories import PeerFactory, PersonFactory, ShiftFactory

MEMBERS = set(Role.values) - {Role.PROVIDER}
COORD = {Role.COORDINATOR}
DIRECTORY = {Role.COORDINATOR, Role.ADMIN}
DECIDERS = {Role.COORDINATOR, Role.COMMAND}

PAGES = [
    ("roster:lookup", None, MEMBERS),
    ("roster:print", None, MEMBERS),
    ("roster:team", None, COORD),
    ("roster:peer", "peer", COORD),
    ("roster:applications", None, DECIDERS),
    ("roster:application_new", None, COORD),
    ("roster:application", "application", DECIDERS),
    ("roster:people", None, DIRECTORY),
    ("roster:person_new", None, DIRECTORY),
    ("roster:person", "person", DIRECTORY),
    ("roster:people_export", None, DIRECTORY),
    ("roster:people_import", None, DIRECTORY),
    ("roster:schedule", None, COORD),
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


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "allowed"), PAGES)
def test_anonymous_visitor_is_sent_to_login(client, agency, objects, name, key, allowed):
    response = client.get(url(name, key, agency.slug, objects))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "allowed"), PAGES)
def test_member_of_another_agency_gets_404(login, users, agency, objects, name, key, allowed):
    response = login(users["outsider"]).get(url(name, key, agency.slug, objects))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "allowed"), PAGES)
@pytest.mark.parametrize("role", Role.values)
def test_insider_sees_the_page_only_with_an_allowed_role(
    login, users, agency, objects, name, key, allowed, role
):
    response = login(users[role]).get(url(name, key, agency.slug, objects))
    assert response.status_code == (200 if role in allowed else 403)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "allowed"), [p for p in PAGES if p[1]])
def test_this_agencys_object_under_the_other_agencys_address_is_404(
    login, users, other_agency, objects, name, key, allowed
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
@pytest.mark.parametrize(("name", "key"), POSTS)
def test_anonymous_posts_are_sent_to_login(client, agency, objects, name, key):
    response = client.post(url(name, key, agency.slug, objects))
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key", "allowed"), [p for p in PAGES if p[0] != "roster:lookup"])
def test_every_roster_page_keeps_a_fixed_query_budget(
    login, users, agency, objects, name, key, allowed, django_assert_max_num_queries
):
    for _ in range(25):
        ShiftFactory(peer__agency=agency)
    PeerFactory.create_batch(25, agency=agency)
    role = Role.COORDINATOR if Role.COORDINATOR in allowed else Role.OFFICER
    client = login(users[role])
    with django_assert_max_num_queries(16):
        assert client.get(url(name, key, agency.slug, objects)).status_code == 200


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
