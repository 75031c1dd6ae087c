from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from roster import selectors
from roster.choices import PeerStatus
from roster.forms import ShiftForm
from roster.models import OnCallShift, Peer
from roster.services import oncall

HORIZON_DAYS = 14


@requires("schedule.manage")
def schedule(request, agency_slug):
    agency = request.agency
    now = timezone.now()
    peers = list(
        Peer.objects.for_agency(agency)
        .filter(status=PeerStatus.ACTIVE)
        .select_related("person")
        .order_by("person__last_name")
    )
    form = ShiftForm(
        request.POST or None,
        peers=peers,
        initial={"start_day": timezone.localdate(), "repeat_weeks": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        peer = next(p for p in peers if str(p.pk) == data["peer"])
        ok, made = attempt(
            lambda: oncall.add_shifts(
                peer=peer,
                start_day=data["start_day"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                repeat_weeks=data["repeat_weeks"],
                actor=request.user,
            ),
            form=form,
        )
        if ok:
            messages.success(
                request,
                f"{len(made)} shift{pluralize(len(made))} added for {peer.person.full_name}.",
            )
            return redirect("roster:schedule", agency_slug=agency_slug)
    shifts = (
        OnCallShift.objects.for_agency(agency)
        .filter(ends_at__gt=now, starts_at__lt=now + timedelta(days=HORIZON_DAYS))
        .select_related("peer__person")
    )
    holes, hours = selectors.gaps(agency=agency, policy=request.policy, now=now, days=HORIZON_DAYS)
    return render(
        request,
        "roster/schedule.html",
        {"form": form, "shifts": shifts, "gaps": holes, "gap_hours": round(hours, 1),
         "horizon": HORIZON_DAYS, "now": now},
    )  # fmt: skip


@require_POST
@requires("schedule.manage")
def shift_delete(request, agency_slug, pk):
    shift = found_or_404(selectors.get_shift, agency=request.agency, pk=pk)
    oncall.delete_shift(shift=shift)
    messages.success(request, "Shift removed.")
    return redirect("roster:schedule", agency_slug=agency_slug)
