"""The officer's lookup. It reads and never writes: no audit row, no log line, nothing in the
session names who looked."""

import segno
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from agencies.decorators import requires
from roster import lookup_cache, selectors


@never_cache
@requires("oncall.view")
def lookup(request, agency_slug):
    """Those on call come whole; the rest of a large team a page at a time, so a phone gets a
    small page however many peers the agency has. The page is the same for every officer of
    the agency in the same minute, and comes from the cache (roster/lookup_cache.py)."""
    now = timezone.now()

    def rendered(sections: lookup_cache.Sections, overrides: dict) -> str:
        partners = selectors.partners_on_call(agency=request.agency, policy=request.policy, now=now)
        context = {"now": now, "sections": sections, "partners": partners, **overrides}
        return render_to_string("roster/lookup.html", context, request)

    return HttpResponse(
        lookup_cache.page(request=request, now=now, page=request.GET.get("page"), render=rendered)
    )


@requires("oncall.view")
def print_roster(request, agency_slug):
    now = timezone.now()
    found = selectors.lookup(agency=request.agency, policy=request.policy, now=now)
    url = request.build_absolute_uri(reverse("roster:lookup", args=[agency_slug]))
    qr_svg = segno.make(url, error="m").svg_inline(scale=4, title="QR code to the on-call page")
    peers = sorted(found.on_call + found.others, key=lambda c: c.name.split()[-1])
    return render(
        request,
        "roster/print.html",
        {"peers": peers, "qr_svg": qr_svg, "lookup_url": url, "resources": found.resources},
    )
