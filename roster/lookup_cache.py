"""The on-call lookup's agency sections (the team, and the clinical, EAP and hotline resources),
rendered once and served from the cache to every officer of the agency who asks for the same page
before anything they show changes.

An entry is filed under the policy's last save (titles, the flags that bar call-outs, team role
labels), the agency's time zone and the page, and holds the agency's roster version it was
rendered under (roster/versions.py: every change to the roster, a shift, availability, a flag
or a resource replaces it); it is served only while that version is still the agency's, so a
change shows on the next request. What changes with the clock alone (a shift starts or ends, a
peer is back) ends the entry: it expires at the next such moment, and after a minute at the
latest, which bounds what a change made outside the services (or a version lost with Redis)
could leave on show.

The section names no viewer, and nothing here writes to the database: the lookup still leaves
no trace of who looked. A cache that fails (Redis down) costs a render, never the page."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from agencies.models import Agency, Policy
from agencies.selectors import resources_for
from roster import selectors
from roster.versions import roster_version, version_key

logger = logging.getLogger(__name__)

OTHERS_PER_PAGE = 25
LONGEST_SECONDS = 60
# Beyond any real team's last page: every larger number shows the same (last) page.
_PAGE_CAP = 10**6


def _page_number(raw: str | None) -> int:
    """The page as Paginator.get_page reads it: not a number is the first page."""
    try:
        return min(int(raw), _PAGE_CAP)
    except (TypeError, ValueError):
        return 1


def _seconds_left(changes_at: datetime | None, now: datetime) -> int:
    """Whole seconds, rounded down, so an entry never outlives the change it would miss."""
    if changes_at is None:
        return LONGEST_SECONDS
    return min(LONGEST_SECONDS, int((changes_at - now).total_seconds()))


@dataclass(frozen=True)
class Sections:
    team: SafeString
    resources: SafeString


def _render(*, agency: Agency, policy: Policy, now: datetime, page: int) -> tuple[Sections, int]:
    found = selectors.lookup_page(
        agency=agency, policy=policy, now=now, page=page, per_page=OTHERS_PER_PAGE
    )
    team = render_to_string(
        "roster/_lookup_team.html",
        {"found": found, "page": found.others, "policy": policy, "agency": agency},
    )
    resources = render_to_string(
        "roster/_lookup_resources.html", {"resources": resources_for(agency=agency)}
    )
    sections = Sections(team=mark_safe(team), resources=mark_safe(resources))
    return sections, _seconds_left(found.changes_at, now)


def sections(*, agency: Agency, policy: Policy, now: datetime, page: str | None) -> Sections:
    """The HTML of those on call now and one page of the rest, and of the resources."""
    number = _page_number(page)
    key = f"lookup:{agency.pk}:{policy.updated_at.timestamp()}:{agency.time_zone}:{number}"
    try:
        # The version and the entry in one round trip; the entry holds the version it was
        # rendered under, and counts only if that is still the agency's.
        found = cache.get_many([version_key(agency.pk), key])
        version = found.get(version_key(agency.pk)) or roster_version(agency.pk)
        entry = found.get(key)
    except Exception:  # any cache error: the page is rendered as if nothing were cached
        logger.warning("on-call lookup: cache unreadable, rendering", exc_info=True)
        return _render(agency=agency, policy=policy, now=now, page=number)[0]
    if entry is not None and entry[0] == version:
        return Sections(team=mark_safe(entry[1]), resources=mark_safe(entry[2]))
    rendered, seconds = _render(agency=agency, policy=policy, now=now, page=number)
    if seconds >= 1:
        try:
            cache.set(key, (version, str(rendered.team), str(rendered.resources)), timeout=seconds)
        except Exception:
            logger.warning("on-call lookup: cache unwritable", exc_info=True)
    return rendered
