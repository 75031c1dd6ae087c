"""A page that every viewer of an agency with the same roles sees alike, rendered once for all
of them (`shared`): the viewer's own parts of the layout (the sign-out form's CSRF token, the
user name beside it) are rendered as markers, and each viewer's copy fills them in, a few string
replacements instead of a render.

The markers are derived from SECRET_KEY, so no text a user typed (a name, a note) can contain
one: whatever the page shows is filled only where the layout put a marker. A viewer with
one-time messages waiting (`django.contrib.messages`) is not shareable: that viewer's page is
rendered afresh, which shows and consumes them.

A shared copy is filed under the agency, its policy's last save, the viewer's roles and menu,
the release (the static files' names) and what the page adds (`parts`); nothing in it or in its
key names the viewer."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoized

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from config import cache_versions

logger = logging.getLogger(__name__)


@memoized
def _marker(part: str) -> str:
    # Letters and digits only: the CSRF tag writes it into an attribute unescaped, and the
    # user name into text; nothing in the page escapes or splits it.
    return "pc" + salted_hmac("config.page_cache", part).hexdigest()[:24] + part


@dataclass(frozen=True)
class _NeutralUser:
    """Stands in for `user` in the layout: signed in, with a marker for a name."""

    username: str
    is_authenticated: bool = True
    is_anonymous: bool = False


def neutral_context() -> dict:
    """Context values that override the viewer's own in a render shared by every viewer."""
    return {
        "csrf_token": _marker("csrf"),
        "user": _NeutralUser(username=_marker("user")),
        "messages": (),
    }


def shareable(request) -> bool:
    """A shared copy may stand for this viewer's page: no one-time message is waiting."""
    storage = getattr(request, "_messages", None)
    return storage is None or not len(storage)


def for_viewer(html: str, request) -> str:
    """The shared copy with this viewer's token and name."""
    return html.replace(_marker("csrf"), get_token(request)).replace(
        _marker("user"), escape(request.user.username)
    )


def deploy_stamp() -> str:
    """Part of every shared page's key: a page names the static files of the release that
    rendered it, and after a deploy those names change."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def _key(request, name: str, parts: tuple) -> str:
    agency, policy = request.agency, request.policy
    whole = (
        agency.slug, agency.name, agency.time_zone, policy.updated_at.timestamp(),
        tuple(sorted(request.roles)), tuple((item.url_name, item.label) for item in request.menu),
        deploy_stamp(), parts,
    )  # fmt: skip
    return f"page:{name}:{agency.pk}:{hashlib.sha256(repr(whole).encode()).hexdigest()[:32]}"


def shared(
    *,
    request,
    name: str,
    render: Callable[[dict], tuple[str, int]],
    parts: tuple = (),
    version_key: str | None = None,
) -> str:
    """This viewer's copy of the page `name` of the request's agency, from the copy shared by
    every viewer with the same roles (and the same `parts`: a page number, a minute), where the
    viewer's page can be shared; else rendered for this request alone.

    `render(overrides)` renders the page with the overrides on top of its context and returns
    it with how many seconds the copy may serve (under 1: not kept). A copy made under the
    version in `version_key` (config/cache_versions.py) is served only while it is still the
    version. Any cache failure costs a render, never the page."""
    if not shareable(request):
        return render({})[0]
    key = _key(request, name, parts)
    keys = [key, version_key] if version_key else [key]
    try:
        found = cache.get_many(keys)
        version = (
            (found.get(version_key) or cache_versions.current(version_key)) if version_key else ""
        )
    except Exception:
        logger.warning("page %s: cache unreadable, rendering", name, exc_info=True)
        return render({})[0]
    entry = found.get(key)
    if entry is None or entry[0] != version:
        html, seconds = render(neutral_context())
        entry = (version, html)
        if seconds >= 1:
            try:
                cache.set(key, entry, timeout=seconds)
            except Exception:
                logger.warning("page %s: cache unwritable", name, exc_info=True)
    return for_viewer(entry[1], request)
