from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from agencies import clock
from agencies.decorators import requires
from agencies.shortcuts import attempt
from notifications import push
from notifications import selectors as notices
from roster import panels, selectors
from roster.forms import AvailabilityForm
from roster.services import oncall
from security import audit


@requires("peer.self")
def me(request, agency_slug):
    peer = selectors.peer_of_user(agency=request.agency, user_id=request.user.pk)
    if peer is None:
        raise Http404("You are not on this agency's team roster.")
    now = timezone.now()
    available = not peer.is_away(now)
    form = AvailabilityForm(
        request.POST or None,
        initial={"available": "yes" if available else "no", "until": peer.unavailable_until},
    )
    if request.method == "POST" and audit.form_valid(request, form):
        until = None if form.cleaned_data["available"] else form.cleaned_data["until"]
        if until is not None and timezone.is_naive(until):
            until = clock.as_local(request.agency, until)
        ok, _ = attempt(
            lambda: oncall.set_availability(peer=peer, unavailable_until=until),
            form=form,
            field="until",
        )
        if ok:
            messages.success(request, "Availability saved.")
            return redirect("roster:me", agency_slug=agency_slug)
    return render(
        request,
        "roster/me.html",
        {
            "peer": peer,
            "available": available,
            "form": form,
            "shifts": selectors.shifts_ahead(peer=peer, now=now)[:20],
            "trainings": selectors.trainings_of(peer=peer)[:20],
            "panels": panels.for_peer(peer),
            # Empty when push is off: the page then offers no subscription.
            "push_key": settings.VAPID_PUBLIC_KEY if push.is_on() else "",
            "push_devices": notices.device_count(
                agency=request.agency, recipient_type="person", recipient_id=peer.person_id
            ),
        },
    )
