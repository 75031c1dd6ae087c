import functools

from django.db import connection
from django.db.models import Q, QuerySet

from .choices import Role
from .models import (
    Agency,
    IncidentType,
    InterventionType,
    Membership,
    Partnership,
    Policy,
    Resource,
    TeamRole,
)
from .models.policy import PolicyListItem
from .permissions import roles_for

_ROLES_SQL = (
    "SELECT m.agency_id, m.role FROM {membership} m JOIN {agency} a ON a.id = m.agency_id"
    " WHERE m.user_id = %s AND a.slug = %s"
)


@functools.cache
def _roles_sql() -> str:
    return _ROLES_SQL.format(
        membership=connection.ops.quote_name(Membership._meta.db_table),
        agency=connection.ops.quote_name(Agency._meta.db_table),
    )


def roles_in(*, user_id: int, slug: str) -> tuple[int | None, frozenset[str]]:
    """The id of the agency behind a slug and this user's roles in it, read from the
    memberships alone (a small query, made on every request); no agency and no roles when the
    user is not a member, whether or not the agency exists.

    Written in SQL, not built by the ORM: every request under an agency asks it, and building
    the same two-table filter each time cost more than the query itself. It runs through the
    same connection, so under the request's scope and row-level security like any other."""
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [user_id, slug])
        rows = cursor.fetchall()
    if not rows:
        return None, frozenset()
    return rows[0][0], frozenset(role for _, role in rows)


def agency_with_policy(*, agency_id: int) -> Agency:
    return Agency.objects.select_related("policy").get(pk=agency_id)


def agency_by_slug(*, slug: str) -> Agency | None:
    return Agency.objects.filter(slug=slug).first()


def agencies_for_user(*, user_id: int) -> list[tuple[Agency, list[str]]]:
    rows = (
        Membership.objects.filter(user_id=user_id)
        .select_related("agency", "agency__policy")
        .order_by("agency__name", "role")
    )
    by_agency: dict[int, tuple[Agency, list[str]]] = {}
    for m in rows:
        by_agency.setdefault(m.agency_id, (m.agency, []))[1].append(m.role)
    return list(by_agency.values())


def get_policy(*, agency: Agency) -> Policy:
    return Policy.objects.select_related("agency").get(agency=agency)


def resources_for(*, agency: Agency) -> QuerySet[Resource]:
    return Resource.objects.for_agency(agency)


def get_resource(*, agency: Agency, pk: int) -> Resource:
    return Resource.objects.for_agency(agency).get(pk=pk)


def active_entries(*, agency: Agency, model: type[PolicyListItem]) -> QuerySet:
    """The entries of one of the policy's lists the agency still offers; retired ones stay
    only for the records that name them."""
    return model.objects.for_agency(agency).filter(active=True)


def incident_types_for(*, agency: Agency) -> QuerySet[IncidentType]:
    return active_entries(agency=agency, model=IncidentType)


def intervention_types_for(*, agency: Agency) -> QuerySet[InterventionType]:
    return active_entries(agency=agency, model=InterventionType)


def team_roles_for(*, agency: Agency) -> QuerySet[TeamRole]:
    return active_entries(agency=agency, model=TeamRole)


def members_who_may(*, agency: Agency, action: str) -> QuerySet[Membership]:
    """The agency's memberships whose role may take the action under its policy: who is told
    of what the action decides (an approver, the coordinator, the commanding officer)."""
    return Membership.objects.for_agency(agency).filter(role__in=roles_for(action, agency.policy))


def role_title(policy: Policy, role: str) -> str:
    """A product role in the agency's own words."""
    titles = {
        Role.ADMIN: "Agency administrator",
        Role.COORDINATOR: policy.lead_title,
        Role.PEER: policy.peer_title,
        Role.OFFICER: policy.member_title.capitalize(),
        Role.PROVIDER: policy.provider_title,
        Role.COMMAND: policy.command_title,
    }
    return titles.get(role, role)


def partnerships_of(*, agency: Agency) -> QuerySet[Partnership]:
    """Both directions: the agency proposed it or was invited."""
    return Partnership.objects.filter(Q(proposer=agency) | Q(partner=agency)).select_related(
        "proposer__policy", "partner__policy"
    )


def get_partnership(*, agency: Agency, pk: int) -> Partnership:
    """A partnership this agency is part of; any other answers 404."""
    return partnerships_of(agency=agency).get(pk=pk)


def _accepted(agency: Agency) -> QuerySet[Partnership]:
    return partnerships_of(agency=agency).filter(accepted_at__isnull=False)


def partner_agencies(*, agency: Agency) -> list[Agency]:
    """Agencies in an accepted partnership with this one."""
    return [p.partner if p.proposer_id == agency.pk else p.proposer for p in _accepted(agency)]


def partner_agency_choices(*, agency: Agency) -> QuerySet[Agency]:
    """The same agencies as `partner_agencies`, as a queryset a form can offer and check a
    choice against (an agency never partners itself)."""
    accepted = _accepted(agency)
    return Agency.objects.filter(
        Q(pk__in=accepted.values("proposer")) | Q(pk__in=accepted.values("partner"))
    ).exclude(pk=agency.pk)
