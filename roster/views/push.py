"""A peer's devices asking for call-outs by web push, from the peer's own page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from agencies.decorators import requires
from notifications import push
from notifications.forms import PushEndpointForm, PushSubscriptionForm
from roster import selectors
from security import audit


def _my_person_id(request) -> int:
    peer = selectors.peer_of_user(agency=request.agency, user_id=request.user.pk)
    if peer is None:
        raise Http404("You are not on this agency's team roster.")
    return peer.person_id


@require_POST
@requires("peer.self")
def push_subscribe(request, agency_slug):
    person_id = _my_person_id(request)
    form = PushSubscriptionForm(request.POST)
    if not push.is_on():
        messages.error(request, "Push is not set up on this server.")
    elif not audit.form_valid(request, form):
        messages.error(request, "This browser's subscription could not be read; nothing changed.")
    else:
        push.subscribe(
            agency=request.agency, recipient_type="person", recipient_id=person_id,
            actor=request.user, **form.cleaned_data,
        )  # fmt: skip
        messages.success(request, "This device will get your call-outs.")
    return redirect("roster:me", agency_slug=agency_slug)


@require_POST
@requires("peer.self")
def push_unsubscribe(request, agency_slug):
    person_id = _my_person_id(request)
    form = PushEndpointForm(request.POST)
    if not audit.form_valid(request, form):
        messages.error(request, "That device could not be read; nothing changed.")
        return redirect("roster:me", agency_slug=agency_slug)
    endpoint = form.cleaned_data["endpoint"]
    ended = push.unsubscribe(
        agency=request.agency, recipient_type="person", recipient_id=person_id,
        endpoint=endpoint, actor=request.user,
    )  # fmt: skip
    if endpoint:
        messages.success(request, "This device will no longer get your call-outs.")
    else:
        messages.success(request, f"Push ended on {ended} device(s).")
    return redirect("roster:me", agency_slug=agency_slug)
