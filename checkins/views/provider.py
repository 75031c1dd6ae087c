"""The provider's agenda: appointments assigned to it across the agencies it serves, each
marked completed or missed. There is nowhere to write what was said."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies import tenant_db
from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404

from .. import selectors
from ..services import appointments
from ..services.due import today_in


@requires("checkins.provide")
def agenda(request, agency_slug):
    agencies = selectors.provider_agencies(user=request.user)
    # The agenda spans every agency the provider serves: the database shows it the
    # appointments of its own providers only (checkins/policies.py).
    with tenant_db.provider_scope(request.user.pk):
        rows = list(
            selectors.provider_agenda(
                user=request.user, agencies=agencies, today=today_in(request.agency)
            )
        )
    for row in rows:
        # The buttons follow the service's rules, so a click never meets a refusal.
        row.can_complete = appointments.may_complete(row)
        row.can_miss = appointments.may_miss(row)
    return render(request, "checkins/provider.html", {"rows": rows, "served": agencies})


@require_POST
@requires("checkins.provide")
def mark(request, agency_slug, pk, outcome):
    appointment = found_or_404(
        selectors.provider_appointment, agency=request.agency, user=request.user, pk=pk
    )
    service = appointments.mark_completed if outcome == "completed" else appointments.mark_missed
    ok, _ = attempt(lambda: service(appointment=appointment, actor=request.user), request=request)
    if ok:
        messages.success(
            request,
            f"Marked {outcome}."
            + (
                " The commanding officer is told it was completed."
                if outcome == "completed"
                else " The officer is asked for an explanation."
            ),
        )
    return redirect("checkins:provider", agency_slug=agency_slug)
