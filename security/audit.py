"""Writing to the audit log. Every entry names the acting user, never a supported member.

A privileged write is recorded by the service that makes it (`audited`), which knows how it
ended and what it was done to: "done" in the write's own transaction, so a write rolled back
leaves no "done"; a refusal or a failure once the write is rolled back. A form sent back with
its errors before any service ran is recorded by its view (`form_valid`, `page_refused`). The
middleware records only what no service sees: a privileged page denied (403, 404) and an export.

An event on an agency's page goes to that agency's log. An event of a user's own account (a
sign-in, a failed one, the second step) happens outside any agency: it goes to the log of every
agency the user is a member of at that moment, so each agency's admin sees their members'
sign-ins on their own page, under their own agency's row-level security, and no other agency
does. A failed sign-in names an account only when the username is one; an event of nobody's
account (an unknown username) or of an account with no agency (the platform admin's) goes to
the platform's log, which only the system scope reads."""

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from agencies import tenant_db
from agencies.models import Membership, User

from .models import AuditEvent, Outcome

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class _Request:
    """The request a service runs in, if any: where it came from, and whether anything was
    recorded for it (so the middleware does not record a denial twice)."""

    request: HttpRequest
    recorded: int = 0


_current: ContextVar[_Request | None] = ContextVar("audit_request", default=None)


@contextmanager
def in_request(request: HttpRequest) -> Iterator[_Request]:
    """Services called while the request is handled record its network address."""
    token = _current.set(_Request(request))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record(
    *,
    action: str,
    request: HttpRequest | None = None,
    outcome: str = Outcome.DONE,
    object_id: Any = "",
    agency=None,
    actor=None,
    actor_name: str = "",
    account: User | None = None,
) -> list[AuditEvent]:
    """One event; `account` is the user a failed sign-in tried to be (the actor otherwise).
    Without a `request`, the one being handled gives the address (none in a task)."""
    current = _current.get()
    if request is None and current is not None:
        request = current.request
    user = actor if actor is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    agency = agency if agency is not None else getattr(request, "agency", None)
    fields = {
        "actor": user,
        "actor_name": (actor_name or (user.get_username() if user else ""))[:150],
        "action": action[:80],
        "object_id": str(object_id if object_id is not None else "")[:40],
        "outcome": outcome,
        "address": client_address(request),
    }
    if current is not None:
        current.recorded += 1
    agency_ids = [agency.pk] if agency else _agencies_of(account or user)
    if not agency_ids:
        with tenant_db.system_scope():
            return [AuditEvent.objects.create(agency=None, **fields)]
    events = []
    for agency_id in agency_ids:
        with tenant_db.agency_scope(agency_id):
            events.append(AuditEvent.objects.create(agency_id=agency_id, **fields))
    return events


def recorded_in_this_request() -> bool:
    current = _current.get()
    return current is not None and current.recorded > 0


# How a service's exception reads in the log; anything else is "failed".
REFUSALS: dict[type[BaseException], str] = {
    ValidationError: Outcome.REFUSED,
    PermissionDenied: Outcome.DENIED,
    # Another agency's object, looked up by the service: denied as a 404 page is.
    ObjectDoesNotExist: Outcome.DENIED,
}


def _dig(kwargs: dict[str, Any], path: str) -> Any:
    name, *attrs = path.split(".")
    value = kwargs.get(name)
    for attr in attrs:
        value = getattr(value, attr, None) if value is not None else None
    return value


def audited(
    action: str,
    *,
    on: str = "",
    new: str = "",
    agency: str = "",
    actor: str = "actor",
    refused: tuple[type[Exception], ...] = (),
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A service's write, in one transaction with its entry in the audit log (in place of
    `transaction.atomic`): "done" inside that transaction; "refused" (a ValidationError, or
    one of `refused`), "denied" (PermissionDenied, another agency's row) or "failed" once it
    is rolled back, and the exception raised again.

    `action` is the code of the page the write is done on (labelled in
    security/audit_labels.py), `new` the code when the row acted on has no id yet (the page
    that adds one). The rest name the service's keyword arguments, dotted paths following
    attributes ("peer.person.user"): `on` the row acted on, or its id, which is the entry's
    object; `agency` where the agency is (by default the `agency` argument, or the row's);
    `actor` who acts. The object is named by id only, and only what the page itself acts on:
    never what was typed, never a supported member."""

    def decorate(service: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            def object_id() -> Any:
                subject = kwargs.get(on) if on else ""
                return getattr(subject, "pk", subject)

            # A row the failed write created is rolled back with it: its id names nothing. A
            # deleted row has lost its id by the end: the one it had is the entry's.
            before = object_id()
            code = new if new and before is None else action

            def entry(outcome: str, object_id: Any) -> None:
                where = _dig(kwargs, agency) if agency else None
                if where is None:
                    where = kwargs.get("agency") or _dig(kwargs, f"{on}.agency")
                record(
                    action=code,
                    outcome=outcome,
                    agency=where,
                    actor=_dig(kwargs, actor),
                    object_id=object_id,
                )

            try:
                with transaction.atomic():
                    result = service(*args, **kwargs)
                    after = object_id()
                    entry(Outcome.DONE, before if after is None else after)
                return result
            except refused as exc:
                _after_rollback(lambda: entry(Outcome.REFUSED, before), exc)
                raise
            except Exception as exc:
                outcome = next(
                    (o for kind, o in REFUSALS.items() if isinstance(exc, kind)), Outcome.FAILED
                )
                _after_rollback(lambda: entry(outcome, before), exc)
                raise

        return wrapper

    return decorate


def _after_rollback(entry: Callable[[], None], exc: BaseException) -> None:
    """The write is rolled back; its entry is written on its own. A database that is gone (the
    failure itself, perhaps) keeps no entry: the original error is what the caller sees."""
    try:
        with transaction.atomic():
            entry()
    except DatabaseError:
        log.warning("Audit entry not written after %s", type(exc).__name__)


def url_object_id(request: HttpRequest) -> str:
    """The object a page's URL names by number (its `pk`), or nothing."""
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    return next(
        (str(v) for k, v in kwargs.items() if k != "agency_slug" and isinstance(v, int)), ""
    )


def form_valid(request: HttpRequest, form) -> bool:
    """Whether a privileged page's form (or formset) is valid; one sent back with its errors
    is recorded as the page's refusal."""
    if form.is_valid():
        return True
    page_refused(request)
    return False


def page_refused(request: HttpRequest, *, outcome: str = Outcome.REFUSED) -> None:
    """A privileged page turned a request down itself, before any service ran: a form sent
    back with its errors, a choice it does not offer, a role it does not serve. The page and
    its object are kept, never what was typed."""
    record(
        request=request,
        action=request.resolver_match.view_name,
        outcome=outcome,
        object_id=url_object_id(request),
    )


def _agencies_of(user: User | None) -> list[int]:
    """The agencies the user is a member of, whichever scope the caller is in (a failed
    sign-in's would-be user is nobody's own membership yet)."""
    if user is None:
        return []
    with tenant_db.system_scope():
        rows = Membership.objects.filter(user=user).values_list("agency_id", flat=True)
        return sorted(set(rows))


def account_named(username: str) -> User | None:
    """The account a typed username names, exactly as signing in matches it; None for a name
    that is nobody's, which then reaches no agency's log."""
    return User.objects.filter(username=username).first() if username else None


def stamp(moment: datetime) -> str:
    """To the hundredth of a second, with the zone, in the time zone in force (the agency's on
    its pages), as CJIS AU-8 asks: 2026-12-02 09:59:03.47 CST. Cut, not rounded, so a moment
    never shows in the next second."""
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 10_000:02d} {local:%Z}"
