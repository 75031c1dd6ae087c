"""The officer's home and the program page are rendered once for every member with the same
roles and served from the cache (config/page_cache.py); a change they show counts at once."""

import pytest
from django.template import loader

from agencies import tenant_db
from agencies.choices import Role
from agencies.services import delete_resource, save_policy, save_resource
from tests.factories import AgencyFactory, ResourceFactory, member


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def renders(monkeypatch):
    """The templates rendered, by name."""
    seen: list[str] = []
    real = loader.render_to_string

    def counted(template_name, *args, **kwargs):
        seen.append(template_name)
        return real(template_name, *args, **kwargs)

    from agencies import views

    monkeypatch.setattr(views, "render_to_string", counted)
    return seen


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/kcpd/", "/kcpd/program/"])
def test_members_with_the_same_roles_share_one_render(kcpd, login, renders, url):
    one = _page(login(member(kcpd, Role.OFFICER, username="officer.one")), url)
    two = _page(login(member(kcpd, Role.OFFICER, username="officer.two")), url)
    assert len(renders) == 1
    assert "officer.one" in one and "officer.two" in two and "officer.one" not in two


@pytest.mark.django_db
def test_another_role_gets_its_own_copy(kcpd, login, renders):
    officer = _page(login(member(kcpd, Role.OFFICER)), "/kcpd/")
    coordinator = _page(login(member(kcpd, Role.COORDINATOR)), "/kcpd/")
    assert len(renders) == 2
    assert officer != coordinator
    program = _page(login(member(kcpd, Role.ADMIN)), "/kcpd/program/")
    assert "Edit resources" in program
    assert "Edit resources" not in _page(login(member(kcpd, Role.OFFICER)), "/kcpd/program/")


@pytest.mark.django_db
def test_a_policy_change_shows_at_once_on_both(kcpd, login):
    client = login(member(kcpd, Role.OFFICER))
    for url in ("/kcpd/", "/kcpd/program/"):
        _page(client, url)
    with tenant_db.agency_scope(kcpd.pk):
        policy = kcpd.policy
        policy.program_name = "Renamed Peer Program"
        save_policy(policy=policy, changed_fields=["program_name"], actor=None)
    for url in ("/kcpd/", "/kcpd/program/"):
        assert "Renamed Peer Program" in _page(client, url)


@pytest.mark.django_db
def test_a_resource_added_or_removed_shows_at_once_on_the_program_page(kcpd, login):
    client = login(member(kcpd, Role.OFFICER))
    admin = member(kcpd, Role.ADMIN)
    assert "Crisis Line Twelve" not in _page(client, "/kcpd/program/")
    with tenant_db.agency_scope(kcpd.pk):
        resource = save_resource(
            resource=ResourceFactory.build(agency=kcpd, name="Crisis Line Twelve"), actor=admin
        )
    assert "Crisis Line Twelve" in _page(client, "/kcpd/program/")
    with tenant_db.agency_scope(kcpd.pk):
        delete_resource(resource=resource, actor=admin)
    assert "Crisis Line Twelve" not in _page(client, "/kcpd/program/")


@pytest.mark.django_db
def test_another_agencys_member_gets_404_and_nothing_of_the_copy(kcpd, login):
    other = AgencyFactory(slug="clayton", preset="clayton")
    _page(login(member(kcpd, Role.OFFICER)), "/kcpd/program/")
    outsider = login(member(other, Role.ADMIN))
    assert outsider.get("/kcpd/program/").status_code == 404
    assert outsider.get("/kcpd/").status_code == 404
    assert login(member(other, Role.OFFICER)).get("/clayton/program/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/kcpd/", "/kcpd/program/", "/kcpd/on-call/"])
def test_a_shared_copy_shows_nothing_of_the_viewer_it_was_rendered_for(kcpd, login, url):
    def viewer(username, first, last):
        user = member(kcpd, Role.OFFICER, username=username)
        user.first_name, user.last_name, user.email = first, last, f"{username}@kcpd.example"
        user.save()
        return login(user)

    _page(viewer("ursula.one", "Ursula", "Firstviewer"), url)
    second = _page(viewer("victor.two", "Victor", "Secondviewer"), url)
    for trace in ("ursula.one", "Ursula", "Firstviewer"):
        assert trace not in second
