"""How the agencies app finds the directory entry of a user a role would go to, so that the
policy's rule for the role (agencies/role_rules.py) can read their rank and unit. Registered by
roster/apps.py: agencies does not import roster."""

from agencies.models import Agency, User
from agencies.role_rules import Holder, register_directory

from .models import Person


def holder_in_directory(agency: Agency, user: User) -> Holder | None:
    person = (
        Person.objects.for_agency(agency)
        .filter(user=user)
        .only("first_name", "last_name", "rank", "unit")
        .first()
    )
    if person is None:
        return None
    return Holder(name=person.full_name, rank=person.rank, unit=person.unit)


def register() -> None:
    register_directory(holder_in_directory)
