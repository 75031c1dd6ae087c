"""Who may use which page, written out by hand from the permission rules and the presets'
policies, and held against `agencies.permissions.can`; and the role grid's coverage: every
agency view (a URL pattern under an agency's address) is in some view test file's grid
(tests/support/grid.py)."""

import importlib
from pathlib import Path

import pytest

from agencies.choices import Role
from agencies.models import Policy
from agencies.permissions import ACTIONS, can
from tests.support import grid
from tests.support.routes import agency_routes

ADMIN, COORDINATOR, PEER = Role.ADMIN, Role.COORDINATOR, Role.PEER
OFFICER, PROVIDER, COMMAND = Role.OFFICER, Role.PROVIDER, Role.COMMAND
ALL = frozenset(Role.values)
MEMBERS = ALL - {PROVIDER}  # the department's members; an outside provider is not one

# Each action and the roles that may take it. The grids read their pages' roles from here.
ALLOWED = {
    "agency.view": ALL,
    "program.view": ALL,
    "privacy.view": ALL,
    "oncall.view": MEMBERS,
    "activation.use": MEMBERS,
    "checkins.mine": MEMBERS,
    "peer.self": {PEER},
    "usage.file": {PEER},
    "checkins.provide": {PROVIDER},
    "checkins.hear_completed": {COMMAND},
    "roster.manage": {COORDINATOR},
    "schedule.manage": {COORDINATOR},
    "outreach.send": {COORDINATOR},
    "usage.read": {COORDINATOR},
    "compensation.view": {COORDINATOR},
    "checkins.manage": {COORDINATOR},
    "program.lead": {COORDINATOR},
    "peer.status": {COORDINATOR},
    "stats.per_peer": {COORDINATOR},
    "activation.override_trigger": {COORDINATOR},
    "activation.coordinate": {COORDINATOR},
    "activation.manage": {COORDINATOR, COMMAND},
    "application.view": {COORDINATOR, COMMAND},
    "stats.view": {COORDINATOR, COMMAND},
    "reports.view": {COORDINATOR, COMMAND},
    "directory.manage": {COORDINATOR, ADMIN},
    "checkins.view": {COORDINATOR, ADMIN},
    "outbox.view": {COORDINATOR, ADMIN},
    "policy.view": {ADMIN, COORDINATOR, COMMAND},
    "resources.edit": {ADMIN},
    "partners.manage": {ADMIN},
    "audit.view": {ADMIN},
    "policy.edit": {ADMIN},
}
ALLOWED = {action: frozenset(roles) for action, roles in ALLOWED.items()}

# The decisions each preset's policy gives to a role, as its document says (agencies/presets/;
# where a document is silent, the Missouri default's choice).
DEFAULT_CHOICES = {
    "application.decide": {COORDINATOR},
    "peer.remove": {COORDINATOR},
    "activation.open": {COORDINATOR},
    "activation.ask": {COMMAND, OFFICER},
    "activation.exceed_limit": set(),
    "partner.decide": {COORDINATOR},
    "checkins.copy_missed": {COMMAND},
}
CHOSEN = {
    "missouri-default": DEFAULT_CHOICES,
    "kcpd": {
        **DEFAULT_CHOICES,
        "activation.ask": {COMMAND},  # III.E: COP, designee or on-scene commander
        "activation.exceed_limit": {COMMAND},  # III.F
    },
    "slmpd": {
        **DEFAULT_CHOICES,
        "application.decide": {COMMAND},  # the Deputy Chief approves
        "activation.open": {COORDINATOR, COMMAND},
        "activation.ask": {OFFICER},  # through RTCC
        "partner.decide": {COMMAND},  # Deputy Chief 3
    },
    "clayton": {**DEFAULT_CHOICES, "application.decide": {COMMAND}},  # III: the Chief appoints
    "st-joseph": {**DEFAULT_CHOICES, "application.decide": {COMMAND}},  # II.A.4
    "joplin": DEFAULT_CHOICES,
}


def _policy(preset: str) -> Policy:
    from agencies.presets import get_preset

    fields = {f.name for f in Policy._meta.get_fields()}
    return Policy(**{k: v for k, v in get_preset(preset).policy.items() if k in fields})


def test_the_table_names_every_action_once():
    assert set(ALLOWED) | set(DEFAULT_CHOICES) == set(ACTIONS)
    assert not set(ALLOWED) & set(DEFAULT_CHOICES)


@pytest.mark.parametrize("preset", sorted(CHOSEN))
def test_the_permission_map_allows_what_the_table_says(preset):
    policy = _policy(preset)
    differ = [
        (action, role)
        for action, roles in {**ALLOWED, **CHOSEN[preset]}.items()
        for role in Role.values
        if can({role}, action, policy) is not (role in roles)
    ]
    assert differ == []


def _every_grid() -> None:
    """Import every test module, so the grids of files not collected in this run count too."""
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        importlib.import_module(f"tests.{path.stem}")


def test_every_agency_view_is_in_a_role_grid(record_property):
    _every_grid()
    views = {route for route, _name, _view in agency_routes()}
    missing = sorted(views - set(grid.COVERED))
    record_property("role_grid_coverage", f"{len(views) - len(missing)} of {len(views)}")
    assert not missing, "no role grid covers " + ", ".join(missing)
