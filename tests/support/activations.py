"""`open_activation`: one way for a test to open an activation through the service, with the
arguments a test does not care about filled in from the agency's own lists. Registered as a
pytest plugin in tests/conftest.py."""

import pytest
from django.utils import timezone

from activations.selectors import areas_for
from activations.services import activation as service
from agencies import tenant_db
from agencies.choices import Role
from agencies.models import IncidentType
from tests.factories import member


@pytest.fixture
def open_activation(django_capture_on_commit_callbacks):
    """`open_activation(agency, **changes)` opens an activation as a coordinator of the agency:
    the agency's first incident type (or `incident="pursuit-crash"`, a code), the first of the
    policy's general areas when it keeps a list, one peer needed. Any argument of
    `activations.services.activation.create` can be given. The on-commit work (the call-outs'
    messages) runs unless `deliver=False`; a refused activation raises, as the service does."""

    def _open(agency, *, incident: str = "", deliver: bool = True, **changes):
        with tenant_db.system_scope():
            types = IncidentType.objects.for_agency(agency)
            areas = areas_for(policy=agency.policy)
            fields = {
                "agency": agency,
                "roles": frozenset({Role.COORDINATOR}),
                "incident_type": types.get(code=incident) if incident else types.first(),
                "occurred_at": timezone.now(),
                "location": "Downtown",
                "members_affected": 1,
                "briefing": "",
                "peers_needed": 1,
                "area": areas[0] if areas else "",
                **changes,
            }
            if "actor" not in fields:
                fields["actor"] = member(agency, Role.COORDINATOR)
            if not deliver:
                return service.create(**fields)
            with django_capture_on_commit_callbacks(execute=True):
                return service.create(**fields)

    return _open
