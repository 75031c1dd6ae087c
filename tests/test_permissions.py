"""Permissions that know the policy (issue 16): one function, `can(roles, action, policy)`, answers
for the fixed roles and for the decisions each agency's policy gives to a role it chooses; views,
templates (the menu), services and notices' audiences all ask it, and no other module compares a
role by hand (a scan of the product's syntax trees below)."""

import ast

import pytest
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from agencies import permissions
from agencies.choices import Role
from agencies.models import Policy
from agencies.permissions import ACTIONS, MENU, can, menu, roles_for
from agencies.validators import reserved_slugs, validate_agency_slug
from tests.factories import AgencyFactory, member
from tests.support.routes import routes
from tests.test_one_clock import ROOT, _name, product_files

PERMISSIONS = "agencies/permissions.py"
CHOICES = "agencies/choices.py"

CHOSEN = {
    "application.decide": "application_decided_by",
    "peer.remove": "removal_decided_by",
    "partner.decide": "cross_agency_approver_role",
    "activation.open": "activation_roles",
    "activation.ask": "activation_request_roles",
    "activation.exceed_limit": "limit_override_roles",
}


@pytest.mark.parametrize("preset", ["kcpd", "slmpd", "clayton", "st-joseph", "joplin"])
def test_each_decision_goes_to_the_role_the_presets_policy_names(preset):
    policy = Policy(**_preset_fields(preset))
    for action, field in CHOSEN.items():
        chosen = getattr(policy, field)
        chosen = {chosen} if isinstance(chosen, str) else set(chosen)
        for role in Role.values:
            expected = role in chosen and role != Role.PROVIDER
            assert can({role}, action, policy) is expected, (preset, action, role)


def _preset_fields(key: str) -> dict:
    from agencies.presets import get_preset

    fields = {f.name for f in Policy._meta.get_fields()}
    return {k: v for k, v in get_preset(key).policy.items() if k in fields}


def test_a_policy_that_moves_a_decision_moves_the_permission():
    policy = Policy(application_decided_by=Role.COMMAND)
    assert can({Role.COMMAND}, "application.decide", policy)
    assert not can({Role.COORDINATOR}, "application.decide", policy)
    policy.application_decided_by = Role.COORDINATOR
    assert can({Role.COORDINATOR}, "application.decide", policy)
    assert not can({Role.COMMAND}, "application.decide", policy)


def test_a_policy_cannot_give_a_decision_to_an_outside_provider():
    policy = Policy(application_decided_by=Role.PROVIDER, activation_roles=[Role.PROVIDER])
    assert not can({Role.PROVIDER}, "application.decide", policy)
    assert not can({Role.PROVIDER}, "activation.open", policy)


def test_the_commanding_officer_gets_the_missed_check_in_copy_only_when_the_policy_says():
    policy = Policy(missed_copy_to_command=False)
    assert roles_for("checkins.copy_missed", policy) == frozenset()
    policy.missed_copy_to_command = True
    assert roles_for("checkins.copy_missed", policy) == {Role.COMMAND}


def test_a_decision_of_the_policy_asked_without_the_policy_is_a_programming_error():
    with pytest.raises(TypeError, match="pass it"):
        can({Role.COORDINATOR}, "application.decide")


def test_an_unknown_action_is_never_allowed():
    assert not can(set(Role.values), "policy.burn")
    assert not can(set(Role.values), "policy.burn", Policy())


# Views and templates reach the same function through request.can.


def test_the_menu_is_what_each_role_may_open(users, login, agency):
    for role in Role.values:
        page = login(users[role]).get(reverse("agencies:home", args=[agency.slug]))
        html = page.content.decode()
        nav = html[html.index('id="nav"') : html.index("</nav>")]
        for item in MENU:
            href = reverse(item.url_name, args=[agency.slug])
            shown = item in menu({role}, agency.policy)
            assert (f'href="{href}"' in nav) is shown, (role, item.label)


def test_my_check_in_leaves_the_menu_for_whoever_sees_everyones():
    policy = Policy()
    labels = [i.label for i in menu({Role.COORDINATOR, Role.OFFICER}, policy)]
    assert "Check-ins" in labels and "My check-in" not in labels
    assert "My check-in" in [i.label for i in menu({Role.OFFICER}, policy)]


def test_every_menu_item_names_a_known_action_and_page():
    for item in MENU:
        assert item.action in ACTIONS, item
        assert not item.unless or item.unless in ACTIONS, item
        try:
            reverse(item.url_name, args=["clayton"])
        except NoReverseMatch:  # pragma: no cover - the assertion says which
            pytest.fail(f"{item.label}: no page {item.url_name}")


@pytest.mark.system_scope
def test_application_page_offers_the_decision_only_to_the_policys_decider(users, login, agency):
    from roster.models import Application
    from tests.factories import PeerFactory

    agency.policy.application_decided_by = Role.COMMAND
    agency.policy.save()
    peer = PeerFactory(agency=agency)
    application = Application.objects.create(agency=agency, peer=peer, submitted_on="2026-11-02")
    url = reverse("roster:application", args=[agency.slug, application.pk])
    chief = login(users[Role.COMMAND]).get(url).content.decode()
    lead = login(users[Role.COORDINATOR]).get(url).content.decode()
    assert "Record decision" in chief
    assert "Record decision" not in lead
    assert "The policy gives this decision to" in lead


# The agency's slug can never be a page of the site's own.


def _root_segments() -> set[str]:
    """The first segment of every full route the site serves (the isolation sweep's walk of the
    URL patterns, which spells each route out whole), the Django admin's own included."""
    return {"admin"} | {
        route.split("/")[0] for route, _name, _view in routes() if not route.startswith("<")
    } - {""}


def test_reserved_slugs_cover_every_address_the_site_serves():
    roots = _root_segments()
    assert {"accounts", "admin", "healthz", "platform", "callouts"} <= roots
    assert roots <= reserved_slugs()
    assert "static" in reserved_slugs()


@pytest.mark.parametrize("slug", ["healthz", "accounts", "platform", "callouts", "admin", "api"])
def test_an_agency_cannot_take_a_sites_address(slug):
    with pytest.raises(ValidationError, match="reserved"):
        validate_agency_slug(slug)


def test_an_agency_slug_like_none_of_them_is_fine(db):
    validate_agency_slug("joplin")
    AgencyFactory(slug="joplin", name="Joplin Police Department", preset="joplin").full_clean()


# No module but the permission map compares a role by hand.


# The policy's fields that hold a role it chooses (the Action's chosen_by).
CHOSEN_FIELDS = {a.chosen_by for a in ACTIONS.values() if isinstance(a.chosen_by, str)} - {""}
PERMISSION_NAMES = {"roles_for", "SECOND_FACTOR_ROLES"}


def _is_role(node) -> bool:
    name = _name(node)
    if name.startswith("Role.") and name.split(".")[-1].isupper():
        return True
    return name.split(".")[-1] in CHOSEN_FIELDS


def _is_roles(node) -> bool:
    return _name(node).split(".")[-1] == "roles"


def role_offences(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_is_role(s) for s in sides):
                found.append((node.lineno, "a role compared"))
            elif any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) and any(
                _is_roles(s) for s in node.comparators
            ):
                found.append((node.lineno, "a role looked up in roles"))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd):
            if _is_roles(node.left) or _is_roles(node.right):
                found.append((node.lineno, "roles intersected"))
        elif isinstance(node, ast.Call) and _name(node.func).split(".")[-1] in {
            "filter",
            "exclude",
            "get",
        }:
            for kw in node.keywords:
                value = kw.value
                if kw.arg == "role" and _name(value).split(".")[-1] in CHOSEN_FIELDS:
                    found.append((node.lineno, "members found by a policy's role"))
                if kw.arg == "role__in" and not (
                    _name(value) in PERMISSION_NAMES
                    or (isinstance(value, ast.Call) and _name(value.func) in PERMISSION_NAMES)
                ):
                    found.append((node.lineno, "members found by a list of roles"))
    return found


@pytest.mark.parametrize(
    "line",
    [
        "Role.COORDINATOR in request.roles",
        "role == Role.COORDINATOR",
        "role != Role.COMMAND",
        "policy.application_decided_by not in roles",
        "bool(SEE_ALL & request.roles)",
        "set(policy.limit_override_roles) & roles",
        "Membership.objects.filter(role=policy.cross_agency_approver_role)",
        "Membership.objects.filter(role__in=[Role.COORDINATOR])",
        "x in self.roles",
    ],
)
def test_the_role_scan_catches(line):
    assert role_offences(line)


@pytest.mark.parametrize(
    "line",
    [
        'can(request.roles, "application.decide", policy)',
        'request.can("stats.per_peer")',
        'Membership.objects.filter(role__in=roles_for("checkins.provide"))',
        "Membership.objects.filter(role__in=SECOND_FACTOR_ROLES)",
        "grant_role(user=user, agency=agency, role=Role.PEER)",
        "'Role.COORDINATOR in roles'",
    ],
)
def test_the_role_scan_lets_through(line):
    assert not role_offences(line)


def test_no_role_is_compared_outside_the_permission_map():
    found = []
    for path in product_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in {PERMISSIONS, CHOICES}:
            continue
        for line, what in role_offences(path.read_text(encoding="utf-8")):
            found.append(f"{relative}:{line}: {what}")
    assert not found, "Ask agencies.permissions.can instead:\n" + "\n".join(found)


def test_the_scan_reads_the_modules_that_used_to_decide_by_hand():
    names = {p.relative_to(ROOT).as_posix() for p in product_files()}
    for was in [
        "activations/views.py",
        "activations/services/activation.py",
        "roster/views/applications.py",
        "roster/services/team.py",
        "usage_reports/views/stats.py",
        "checkins/views/platform.py",
        "security/middleware.py",
    ]:
        assert was in names


def test_a_second_step_is_asked_of_the_roles_the_map_names(users):
    assert permissions.needs_second_factor({Role.COORDINATOR})
    assert not permissions.needs_second_factor({Role.PEER, Role.OFFICER})
    assert permissions.is_platform_admin(users[Role.ADMIN]) is False


def test_a_user_with_two_roles_gets_what_either_may(agency):
    user = member(agency, Role.PEER, Role.COMMAND, username="two.hats")
    assert user.pk
    labels = [i.label for i in menu({Role.PEER, Role.COMMAND}, agency.policy)]
    assert "My page" in labels and "Statistics" in labels
