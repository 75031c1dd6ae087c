"""Resolves `/<agency_slug>/...` to the agency and the user's roles in it.

Pages under an agency see `request.agency`, `request.policy` and `request.roles`. An anonymous
visitor is sent to the login page; anyone else who is not a member gets 404, the same answer as
for a slug that does not exist, so an agency's existence is never told."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils import timezone

from . import clock, tenant_db
from .access import cached_agency_and_roles
from .permissions import can, menu


class AgencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.agency = None
        request.policy = None
        request.roles = frozenset()
        request.can = _Can(frozenset(), None)
        request.menu = []
        try:
            with _database_scope(request):
                return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("agency_slug")
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agency, roles = cached_agency_and_roles(user_id=request.user.pk, slug=slug)
        if agency is None:
            raise Http404("No such agency.")
        # From here on the database shows this agency's rows (row-level security on PostgreSQL).
        tenant_db.enter_agency(agency.pk, time_zone=agency.time_zone)
        request.agency = agency
        request.policy = agency.policy
        request.roles = roles
        request.can = _Can(roles, agency.policy)
        request.menu = menu(roles, agency.policy)
        timezone.activate(clock.zone(agency))
        return None


def _database_scope(request):
    """What the database shows this request until the agency is known: the platform admin (staff
    in the Django admin) sees every agency; anyone else only their own memberships."""
    user = request.user
    user_id = user.pk if user.is_authenticated else None
    if user.is_authenticated and user.is_staff and request.path_info.startswith(ADMIN_PREFIX):
        return tenant_db.system_scope()
    return tenant_db.user_scope(user_id)


ADMIN_PREFIX = "/admin/"


class _Can(dict):
    """`request.can("policy.edit")` in views, `{% if request.can.policy_edit %}` in templates
    (dots in action codes become underscores): permissions.can with the request's roles and
    its agency's policy."""

    # Templates would otherwise call it with no argument instead of looking up the action.
    do_not_call_in_templates = True

    def __init__(self, roles: frozenset[str], policy) -> None:
        super().__init__()
        self.roles = roles
        self.policy = policy

    def __call__(self, action: str) -> bool:
        return self.policy is not None and can(self.roles, action, self.policy)

    def __missing__(self, key: str) -> bool:
        return self(key.replace("_", ".", 1))
