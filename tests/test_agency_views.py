import pytest
from django.urls import reverse

from agencies.choices import Role
from agencies.models import Partnership, Policy, Resource
from tests.factories import ResourceFactory, member
from tests.support.grid import Page, allowed_roles, role_grid

# Every agency page of this app, with the action it needs.
PAGES = [
    Page("agencies:home", "agency.view"),
    Page("agencies:program", "program.view"),
    Page("agencies:policy", "policy.view"),
    Page("agencies:settings", "policy.edit"),
    Page("agencies:settings_list", "policy.edit", kwargs={"key": "incident_types"}),
    Page("agencies:settings_list", "policy.edit", kwargs={"key": "intervention_types"}),
    Page("agencies:settings_list", "policy.edit", kwargs={"key": "team_roles"}),
    Page("agencies:resource_list", "resources.edit"),
    Page("agencies:resource_new", "resources.edit"),
    Page("agencies:resource_edit", "resources.edit", obj="resource"),
    Page("agencies:partners", "partners.manage"),
    Page("agencies:resource_delete", "resources.edit", obj="resource", method="post", ok=302),
    Page("agencies:partner_answer", "partners.manage", obj="partnership", method="post", ok=302),
]


@pytest.fixture
def resource(agency):
    return ResourceFactory(agency=agency, name="Clayton EAP line")


@pytest.fixture
def objects(resource, agency, other_agency):
    """The resource, and another agency's proposal of a partnership for this one to answer."""
    proposal = Partnership.objects.create(proposer=other_agency, partner=agency)
    return {"resource": resource, "partnership": proposal}


class TestRoles(role_grid(PAGES, objects="objects")):
    pass


@pytest.mark.django_db
def test_an_agency_that_does_not_exist_answers_404_like_a_foreign_one(login, users):
    assert login(users[Role.ADMIN]).get("/nowhere/").status_code == 404


@pytest.mark.django_db
@pytest.mark.system_scope
def test_admin_of_another_agency_gets_404_for_this_agencys_resource_under_its_own_slug(
    login, users, other_agency, resource
):
    client = login(users["outsider"])
    edit = reverse("agencies:resource_edit", args=[other_agency.slug, resource.pk])
    delete = reverse("agencies:resource_delete", args=[other_agency.slug, resource.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"kind": "hotline", "name": "Hijacked"}).status_code == 404
    assert client.post(delete).status_code == 404
    resource.refresh_from_db()
    assert resource.name == "Clayton EAP line"


@pytest.mark.django_db
def test_coordinator_clayton_sees_the_programs_own_words(login, users, agency):
    response = login(users[Role.COORDINATOR]).get("/clayton/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Wellness and Peer Support Program" in text
    assert "Peer Support Officer" in text
    assert "Wellness Team Coordinator" in text  # the coordinator role, in Clayton's words


@pytest.mark.django_db
def test_coordinator_clayton_gets_404_at_kcpd(login, users, other_agency):
    assert login(users[Role.COORDINATOR]).get("/kcpd/").status_code == 404


@pytest.mark.django_db
def test_officer_kcpd_sees_kcpds_exceptions_including_the_hr_director(login, other_agency):
    officer = member(other_agency, Role.OFFICER, username="officer.kcpd")
    response = login(officer).get("/kcpd/program/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "discrimination or harassment" in text
    assert "Human Resources Director" in text
    assert "Admission of criminal conduct".lower() in text.lower()


@pytest.mark.django_db
def test_program_page_lists_resources_with_tel_links(login, users, agency):
    text = login(users[Role.OFFICER]).get("/clayton/program/").content.decode()
    assert 'href="tel:8003560845"' in text
    assert "Employee Assistance Plan" in text


@pytest.mark.django_db
def test_home_shows_only_what_the_role_can_do(login, users, agency):
    officer_home = login(users[Role.OFFICER]).get("/clayton/").content.decode()
    assert "How to reach a peer" in officer_home
    assert "Policy settings" not in officer_home
    admin_home = login(users[Role.ADMIN]).get("/clayton/").content.decode()
    assert "Policy settings" in admin_home


@pytest.mark.django_db
def test_chooser_lists_each_agency_of_a_user_of_two(client, agency, other_agency):
    user = member(agency, Role.PEER, username="peer.metro")
    member_roles = member(other_agency, Role.OFFICER, username="peer.metro")
    assert member_roles == user
    client.force_login(user)
    text = client.get("/").content.decode()
    assert "Clayton Police Department" in text
    assert "Kansas City Missouri Police Department" in text


@pytest.mark.django_db
def test_chooser_sends_a_user_of_one_agency_straight_there(login, users):
    response = login(users[Role.PEER]).get("/")
    assert response.status_code == 302
    assert response.url == "/clayton/"


@pytest.mark.django_db
def test_login_with_the_right_password_reaches_the_agency(client, users):
    response = client.post(
        "/accounts/login/",
        {"username": "officer.clayton", "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/clayton/"


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so(client, users):
    response = client.post("/accounts/login/", {"username": "officer.clayton", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_logout_ends_the_session(login, users):
    client = login(users[Role.OFFICER])
    client.post("/accounts/logout/")
    assert client.get("/clayton/").status_code == 302


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content.startswith(b"ok\ndatabase: ok\nbroker: ")


@pytest.mark.django_db
@pytest.mark.system_scope
def test_resource_can_be_added_edited_and_removed_by_the_admin(login, users, agency):
    client = login(users[Role.ADMIN])
    new = reverse("agencies:resource_new", args=[agency.slug])
    response = client.post(new, {"kind": "hotline", "name": "Cop2Cop", "phone": "866-267-2267"})
    assert response.status_code == 302
    res = Resource.objects.for_agency(agency).get(name="Cop2Cop")
    client.post(
        reverse("agencies:resource_edit", args=[agency.slug, res.pk]),
        {"kind": "hotline", "name": "Cop2Cop (NJ)", "phone": "866-267-2267"},
    )
    res.refresh_from_db()
    assert res.name == "Cop2Cop (NJ)"
    client.post(reverse("agencies:resource_delete", args=[agency.slug, res.pk]))
    assert not Resource.objects.filter(pk=res.pk).exists()


@pytest.mark.django_db
def test_resource_with_a_bad_address_is_refused_with_a_message(login, users, agency):
    client = login(users[Role.ADMIN])
    before = Resource.objects.for_agency(agency).count()
    response = client.post(
        reverse("agencies:resource_new", args=[agency.slug]),
        {"kind": "website", "name": "Site", "url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert Resource.objects.for_agency(agency).count() == before


@pytest.mark.django_db
@pytest.mark.system_scope
def test_delete_needs_post(login, users, agency, resource):
    url = reverse("agencies:resource_delete", args=[agency.slug, resource.pk])
    assert login(users[Role.ADMIN]).get(url).status_code == 405
    assert Resource.objects.filter(pk=resource.pk).exists()


@pytest.mark.django_db
def test_unknown_settings_list_is_404(login, users, agency):
    url = reverse("agencies:settings_list", args=[agency.slug, "nothing"])
    assert login(users[Role.ADMIN]).get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", [pytest.param(p, id=p.id) for p in PAGES if p.method == "get"])
def test_every_page_keeps_a_fixed_query_budget(
    login, users, agency, resource, page, django_assert_max_num_queries
):
    for i in range(30):
        ResourceFactory(agency=agency, name=f"Extra {i}")
    admin = Role.ADMIN in allowed_roles(page.action)
    client = login(users[Role.ADMIN] if admin else users[Role.OFFICER])
    url = page.url(agency.slug, {"resource": resource})
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.system_scope
def test_policy_page_names_where_each_point_comes_from(login, users, agency):
    text = login(users[Role.COORDINATOR]).get("/clayton/policy/").content.decode()
    assert "GO 23-07 VII: email at least 30 days in advance" in text
    assert Policy.objects.get(agency=agency).checkin_notice_days == 30
