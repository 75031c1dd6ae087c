from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from agencies import clock
from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from roster import selectors
from roster.forms import ShiftForm
from roster.services import oncall
from security import audit

HORIZON_DAYS = 14
MAX_OVERLAP_MESSAGES = 5


@requires("schedule.manage")
def schedule(request, agency_slug):
    agency = request.agency
    now = timezone.now()
    peers = list(selectors.active_peers(agency=agency))
    form = ShiftForm(
        request.POST or None,
        peers=peers,
        initial={"start_day": clock.today(request.agency), "repeat_weeks": 1},
    )
    if request.method == "POST" and audit.form_valid(request, form):
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
            overlaps = selectors.overlapping_shifts(agency=agency, shifts=made)
            for mine, other in overlaps[:MAX_OVERLAP_MESSAGES]:
                messages.warning(
                    request,
                    f"Overlap: {peer.person.full_name}'s shift "
                    f"{oncall.span(mine.starts_at, mine.ends_at)} overlaps "
                    f"{other.peer.person.full_name}'s {oncall.span(other.starts_at, other.ends_at)}"
                    "; both are on call then.",
                )
            if len(overlaps) > MAX_OVERLAP_MESSAGES:
                messages.warning(
                    request,
                    f"{len(overlaps) - MAX_OVERLAP_MESSAGES} more overlaps with other peers' "
                    "shifts; see the schedule.",
                )
            return redirect("roster:schedule", agency_slug=agency_slug)
    shifts = selectors.schedule_shifts(agency=agency, now=now, days=HORIZON_DAYS)
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
    oncall.delete_shift(shift=shift, actor=request.user)
    messages.success(request, "Shift removed.")
    return redirect("roster:schedule", agency_slug=agency_slug)
