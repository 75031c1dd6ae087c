from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from agencies import tenant_db
from agencies.permissions import is_platform_admin

from .. import selectors


def rates(request):
    """The platform admin's view: each agency's compliance rate, and no officer at all."""
    if not is_platform_admin(request.user):
        raise PermissionDenied
    with tenant_db.system_scope():  # counts across agencies, and nothing else
        rows = selectors.platform_rates()
    for row in rows:
        row["rate"] = round(100 * row["compliant"] / row["total"]) if row["total"] else 100
    return render(request, "checkins/platform.html", {"rows": rows})
