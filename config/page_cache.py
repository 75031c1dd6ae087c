"""A page that every viewer of an agency sees alike, rendered once for all of them: the viewer's
own parts of the layout (the sign-out form's CSRF token, the user name beside it) are rendered as
markers, and each viewer's copy fills them in, a few string replacements instead of a render.

The markers are derived from SECRET_KEY, so no text a user typed (a name, a note) can contain
one: whatever the page shows is filled only where the layout put a marker. A viewer with
one-time messages waiting (`django.contrib.messages`) is not shareable: the caller renders that
viewer's page afresh, which shows and consumes them."""

from dataclasses import dataclass
from functools import cache

from django.contrib.staticfiles.storage import staticfiles_storage
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.html import escape


@cache
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
