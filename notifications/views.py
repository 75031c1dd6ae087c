from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404

from . import registry, selectors, services
from .models import State


@requires("outbox.view")
def outbox(request, agency_slug):
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    rows = list(selectors.outbox(agency=request.agency, state=state)[:200])
    for row in rows:
        row.purpose_label = registry.label(row.purpose)
    return render(
        request, "notifications/outbox.html", {"rows": rows, "state": state, "states": State}
    )


@require_POST
@requires("outbox.view")
def retry(request, agency_slug, pk):
    message = found_or_404(selectors.get_message, agency=request.agency, pk=pk)
    ok, _ = attempt(lambda: services.retry(message=message, actor=request.user), request=request)
    if ok:
        messages.success(request, "The message will be sent again.")
    return redirect("notifications:outbox", agency_slug=agency_slug)
