from .core import Agency, Membership, Partnership, TenantModel, TenantQuerySet, User
from .policy import IncidentType, InterventionType, Policy, TeamRole
from .resources import Resource

__all__ = [
    "Agency",
    "IncidentType",
    "InterventionType",
    "Membership",
    "Partnership",
    "Policy",
    "Resource",
    "TeamRole",
    "TenantModel",
    "TenantQuerySet",
    "User",
]
