"""The on-call lookup, rendered once and served from the cache to every officer of the agency
who asks for the same page in the same minute before anything it shows changes: the whole page
where it is the same for all of them (`page`; config/page_cache.py fills in each viewer's own
token and name), else its agency sections (the team, and the clinical, EAP and hotline
resources; `sections`), around which the partners' peers are rendered for each request.

An entry is filed under the policy's last save (titles, the flags that bar call-outs, team role
labels), the agency's time zone and the page, and holds the agency's roster version it was
rendered under (roster/versions.py: every change to the roster, a shift, availability, a flag
or a resource replaces it); it is served only while that version is still the agency's, so a
change shows on the next request. What changes with the clock alone (a shift starts or ends, a
peer is back) ends the entry: it expires at the next such moment, and after a minute at the
latest, which bounds what a change made outside the services (or a version lost with Redis)
could leave on show.

A page entry is filed under the same, the minute the page shows, the viewer's menu (their roles
under the policy) and the release, and holds the roster version too; it ends with the minute or
with the sections it was made from, whichever comes first.

Nothing cached names a viewer, and nothing here writes to the database: the lookup still leaves
no trace of who looked. A cache that fails (Redis down) costs a render, never the page."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from agencies.models import Agency, Policy
from agencies.selectors import resources_for
from config import page_cache
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


def _seconds_left(ends_at: datetime, now: datetime) -> int:
    """Whole seconds, rounded down, so an entry never outlives the change it would miss."""
    return int((ends_at - now).total_seconds())


@dataclass(frozen=True)
class Sections:
    team: SafeString
    resources: SafeString
    # When what they show changes by the clock alone (a shift starts or ends, a peer is back),
    # a minute after they were rendered at the latest.
    ends_at: datetime


def _render(*, agency: Agency, policy: Policy, now: datetime, page: int) -> Sections:
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
    longest = now + timedelta(seconds=LONGEST_SECONDS)
    ends_at = min(found.changes_at, longest) if found.changes_at else longest
    return Sections(team=mark_safe(team), resources=mark_safe(resources), ends_at=ends_at)


def sections(*, agency: Agency, policy: Policy, now: datetime, page: str | None) -> Sections:
    """The HTML of those on call now and one page of the rest, and of the resources."""
    number = _page_number(page)
    key = f"lookup-sections:{agency.pk}:{policy.updated_at.timestamp()}:{agency.time_zone}:{number}"
    try:
        # The version and the entry in one round trip; the entry holds the version it was
        # rendered under, and counts only if that is still the agency's.
        found = cache.get_many([version_key(agency.pk), key])
        version = found.get(version_key(agency.pk)) or roster_version(agency.pk)
        entry = found.get(key)
    except Exception:  # any cache error: the page is rendered as if nothing were cached
        logger.warning("on-call lookup: cache unreadable, rendering", exc_info=True)
        return _render(agency=agency, policy=policy, now=now, page=number)
    if entry is not None and entry[0] == version:
        return Sections(team=mark_safe(entry[1]), resources=mark_safe(entry[2]), ends_at=entry[3])
    rendered = _render(agency=agency, policy=policy, now=now, page=number)
    entry = (version, str(rendered.team), str(rendered.resources), rendered.ends_at)
    _store(key, entry, _seconds_left(rendered.ends_at, now))
    return rendered


def _store(key: str, entry: tuple, seconds: int) -> None:
    if seconds < 1:
        return
    try:
        cache.set(key, entry, timeout=seconds)
    except Exception:
        logger.warning("on-call lookup: cache unwritable", exc_info=True)


def page(
    *, request, now: datetime, page: str | None, render: Callable[[Sections, dict], str]
) -> str:
    """The whole page for this viewer: `render(sections, overrides)` renders it around the
    sections with the overrides on top of its context. One shared copy per agency, page, minute
    and roles (config/page_cache.py), unless the policy shows partners' peers, which change
    with the partners' rosters: then it is rendered for each request around cached sections."""
    agency, policy = request.agency, request.policy
    if policy.partner_peers_in_lookup:
        return render(sections(agency=agency, policy=policy, now=now, page=page), {})
    minute = now.replace(second=0, microsecond=0)

    def rendered(overrides: dict) -> tuple[str, int]:
        parts = sections(agency=agency, policy=policy, now=now, page=page)
        ends_at = min(parts.ends_at, minute + timedelta(minutes=1))
        return render(parts, overrides), _seconds_left(ends_at, now)

    return page_cache.shared(
        request=request,
        name="lookup",
        render=rendered,
        parts=(minute.timestamp(), _page_number(page)),
        version_key=version_key(agency.pk),
    )
