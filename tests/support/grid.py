"""The role grid: every agency page or post of a view test file requested as each role of the
agency, as a member of another agency, and anonymously.

A file lists its pages and makes one class of them:

    class TestRoles(role_grid(PAGES, objects="objects")):
        pass

Each page names the action it needs; the roles allowed come from the hand-written table in
tests/test_role_grid.py (never from `agencies.permissions.can`, or the grid would check the
permission map against itself). An allowed role gets the page's answer (200, or the redirect of
a post), any other role 403, a member of another agency 404, an anonymous visitor the sign-in
page. Every page given to a grid is recorded, so tests/test_role_grid.py can say which agency
views no grid covers."""

from dataclasses import dataclass, field

import pytest
from django.urls import resolve, reverse

from agencies import tenant_db
from agencies.choices import Role

# Every page given to a grid, by the URL pattern it resolves to.
COVERED: dict[str, list["Page"]] = {}


@dataclass(frozen=True)
class Page:
    url_name: str
    action: str  # the action the page needs, as the grid's author read it from the policy
    obj: str = ""  # the key of the grid's objects whose id goes in the URL
    method: str = "get"
    data: dict = field(default_factory=dict)
    ok: int = 200  # what an allowed role gets
    # Allowed roles that get something else (e.g. 404: an activation they did not ask for).
    answers: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        extra = "".join(f"-{v}" for v in self.kwargs.values())
        return f"{self.method.upper()} {self.url_name}{extra}"

    def url(self, slug: str, objects: dict) -> str:
        kwargs = {"agency_slug": slug, **self.kwargs}
        if self.obj:
            found = objects[self.obj]
            kwargs["pk"] = getattr(found, "pk", found)
        return reverse(self.url_name, kwargs=kwargs)

    def route(self) -> str:
        """The URL pattern this page resolves to (an id of 1 stands in for an object)."""
        kwargs = {"agency_slug": "grid", **self.kwargs, **({"pk": 1} if self.obj else {})}
        return resolve(reverse(self.url_name, kwargs=kwargs)).route


def members_of(agency, outsider_agency) -> dict:
    """A grid's members for an agency other than the `users` fixture's: one user per role, and
    as the outsider a member of `outsider_agency` holding every role there, so that no role
    held elsewhere opens a page here."""
    from tests.factories import member

    return {
        **{role: member(agency, role) for role in Role.values},
        "outsider": member(outsider_agency, *Role.values),
    }


def allowed_roles(action: str) -> frozenset[str]:
    from tests.test_role_grid import ALLOWED  # the hand-written table

    return ALLOWED[action]


def role_grid(pages: list[Page], *, objects: str = "", agency: str = "agency",
              members: str = "users"):  # fmt: skip
    """A base class of tests over `pages`. `objects` names a fixture of the objects the pages'
    ids come from (model instances or ids), `agency` the agency's fixture, `members` a fixture of
    {role: user, ..., "outsider": a member of another agency}."""
    for page in pages:
        COVERED.setdefault(page.route(), []).append(page)
    cases = [pytest.param(p, id=p.id) for p in pages]

    class RoleGrid:
        @pytest.fixture
        def grid(self, request):
            """Built while the test is set up: the agency, its members and the objects."""
            return {
                "agency": request.getfixturevalue(agency),
                "members": request.getfixturevalue(members),
                "objects": request.getfixturevalue(objects) if objects else {},
            }

        @pytest.mark.parametrize("page", cases)
        def test_the_view_needs_the_action_the_grid_names(self, page):
            view = resolve(page.url("grid", {page.obj: 1} if page.obj else {})).func
            needs = getattr(view, "required_action", None)
            assert needs == page.action, f"{page.url_name} needs {needs}, not {page.action}"

        @pytest.mark.django_db
        @pytest.mark.parametrize("page", cases)
        @pytest.mark.parametrize("role", Role.values)
        def test_each_role_gets_the_page_or_403(self, grid, login, page, role):
            with tenant_db.system_scope():
                client = login(grid["members"][role])
            url = page.url(grid["agency"].slug, grid["objects"])
            response = getattr(client, page.method)(url, page.data)
            if role in allowed_roles(page.action):
                expected = page.answers.get(role, page.ok)
            else:
                expected = 403
            assert response.status_code == expected, _said(role, page, url, response, expected)

        @pytest.mark.django_db
        @pytest.mark.parametrize("page", cases)
        def test_a_member_of_another_agency_gets_404(self, grid, login, page):
            with tenant_db.system_scope():
                client = login(grid["members"]["outsider"])
            url = page.url(grid["agency"].slug, grid["objects"])
            response = getattr(client, page.method)(url, page.data)
            assert response.status_code == 404, _said("outsider", page, url, response, 404)

        @pytest.mark.django_db
        @pytest.mark.parametrize("page", cases)
        def test_an_anonymous_visitor_is_sent_to_sign_in(self, grid, client, page):
            url = page.url(grid["agency"].slug, grid["objects"])
            response = getattr(client, page.method)(url, page.data)
            to_login = response.status_code == 302 and response.url.startswith(
                "/accounts/login/?next="
            )
            assert to_login, _said("anonymous", page, url, response, "/accounts/login/?next=")

    return RoleGrid


def _said(who: str, page: Page, url: str, response, expected) -> str:
    # Plain messages: pytest does not rewrite the assertions of this support module.
    got = f"{response.status_code} {response.get('Location', '')}".strip()
    return f"{who}: {page.method.upper()} {url} answered {got}, not {expected}"
