"""Which agency the database lets the code see: the settings PostgreSQL's row-level security
policies read (agencies/rls.py).

Code states its scope with a context manager: `agency_scope(agency_id)` for one agency's work,
`system_scope()` for work that must look across agencies (beat sweeps finding what is due, the
platform admin, management commands), `provider_scope(user_id)` for a check-in provider's
agenda. The scope lives in a context variable; a hook on every PostgreSQL connection copies it
into transaction-local settings (`set_config(..., true)`) at the start of each transaction, and
again whenever the scope changes inside one. Being transaction-local, a setting can never leak
into the next request or task that reuses the connection: outside any scope the settings are
empty, and an empty agency matches no row.

On SQLite (the embedded default) there is no row-level security: nothing is installed and the
context managers only keep the context variable, so the same code runs on both.

`agency_scope` also activates the agency's time zone (django.utils.timezone) for its duration,
so a Celery task's "today" and the times its messages show are the agency's (agencies/clock.py),
as they are in a request, where the middleware activates it."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone
from psycopg import ClientCursor

from . import clock

AGENCY = "agency"
SYSTEM = "system"
PROVIDER = "provider"
KINDS = ("", AGENCY, SYSTEM, PROVIDER)  # "": a user's own scope, or none


@dataclass(frozen=True)
class Scope:
    kind: str = ""
    agency_id: int | None = None
    user_id: int | None = None
    # The agency's zone name, once known: a nested scope for the same agency reuses it. Not a
    # database setting.
    time_zone: str = ""

    def settings(self) -> list[str]:
        """In the order of SET_SQL's placeholders."""
        return [
            str(self.agency_id or ""),
            str(self.user_id or ""),
            self.kind,
        ]


SET_SQL = (
    "SELECT set_config('app.agency_id', %s, true), set_config('app.user_id', %s, true), "
    "set_config('app.scope', %s, true)"
)
NO_SCOPE = Scope()

_current: ContextVar[Scope | None] = ContextVar("tenant_scope", default=None)


def current() -> Scope | None:
    return _current.get()


@contextmanager
def _using(scope: Scope) -> Iterator[Scope]:
    # A scope nested in one with the same settings (an audit entry in the service's own agency)
    # has nothing to send, going in or coming out.
    outer = current()
    same = outer is not None and outer.settings() == scope.settings()
    token = _current.set(scope)
    if not same:
        _apply_now()
    try:
        yield scope
    finally:
        _current.reset(token)
        if not same:
            _apply_now()


@contextmanager
def agency_scope(agency_id: int, *, user_id: int | None = None, time_zone: str = ""):
    """One agency's rows, and what its explicit policies add (partners, own memberships), with
    the agency's time zone active. The zone's name costs one query unless the caller passes it
    or an enclosing scope (the request's, an outer task scope) already knows it."""
    outer = current()
    if user_id is None and outer is not None:
        user_id = outer.user_id
    if not time_zone and outer is not None and outer.agency_id == agency_id:
        time_zone = outer.time_zone
    if not time_zone:
        time_zone = _zone_name(agency_id)
    scope = Scope(AGENCY, agency_id=agency_id, user_id=user_id, time_zone=time_zone)
    with _using(scope):
        if not time_zone:  # no such agency (deleted meanwhile): keep the zone in force
            yield scope
            return
        with timezone.override(clock.zone_named(time_zone)):
            yield scope


def _zone_name(agency_id: int) -> str:
    # Read under the enclosing scope (agencies have no row-level security); imported late, as
    # the models are not loaded when this module is.
    from .models import Agency

    return Agency.objects.filter(pk=agency_id).values_list("time_zone", flat=True).first() or ""


def system_scope():
    """Every agency's rows: for work that has to find what is due across agencies, and for the
    platform admin. Keep what runs under it small, and do each agency's work in its scope."""
    return _using(Scope(SYSTEM))


def provider_scope(user_id: int):
    """A check-in provider's staff member: the appointments of the providers they work for, in
    whichever agency (the policy lives with checkins.Appointment)."""
    return _using(Scope(PROVIDER, user_id=user_id))


def user_scope(user_id: int | None):
    """No agency yet, only who is asking: enough to read one's own memberships."""
    return _using(Scope("", user_id=user_id))


def enter_agency(agency_id: int, *, time_zone: str = "") -> None:
    """Narrow the scope the middleware opened to the agency it has just resolved; ends with the
    middleware's scope at the end of the request. The middleware activates the zone itself and
    passes its name, for scopes opened inside the request to reuse."""
    scope = current() or NO_SCOPE
    _current.set(replace(scope, kind=AGENCY, agency_id=agency_id, time_zone=time_zone))
    _apply_now()


def _is_postgres(connection) -> bool:
    return connection.vendor == "postgresql"


def _apply(connection, scope: Scope) -> None:
    # The raw psycopg connection: this must not pass through the hook that calls it. Its errors
    # (a connection the server dropped) still become Django's, which callers know how to retry.
    with connection.wrap_database_errors:
        connection.connection.execute(SET_SQL, scope.settings())


def _status(connection):
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status, TransactionStatus


def _in_transaction(connection) -> bool:
    status, states = _status(connection)
    return status == states.INTRANS


def _starts_transaction(connection) -> bool:
    """Nothing sent since the last commit or rollback: the next statement begins one. (A failed
    transaction waiting for its rollback is neither.)"""
    status, states = _status(connection)
    return status == states.IDLE


def _apply_now() -> None:
    """A scope opened or closed inside a transaction takes effect at once: the rest of that
    transaction reads the new settings."""
    for connection in connections.all(initialized_only=True):
        live = _is_postgres(connection) and connection.connection is not None
        if live and _in_transaction(connection):
            _apply(connection, current() or NO_SCOPE)


def _execute_in_scope(execute, sql, params, many, context):
    """Every query passes here. The first statement of a transaction gets the settings before
    it; a statement in autocommit mode, which is a transaction of its own, carries them with
    it (_in_one_round_trip), or else is wrapped in a transaction so that they hold for it."""
    scope = current()
    connection = context["connection"]
    if scope is None:
        return execute(sql, params, many, context)
    starts = _starts_transaction(connection)
    if connection.in_atomic_block and not starts:
        return execute(sql, params, many, context)
    cursor = context["cursor"].cursor
    if starts and not many and isinstance(cursor, ClientCursor):
        return _in_one_round_trip(execute, sql, params, context, cursor, scope)
    if connection.in_atomic_block:
        _apply(connection, scope)
        return execute(sql, params, many, context)
    with transaction.atomic(using=connection.alias):
        _apply(connection, scope)
        return execute(sql, params, many, context)


def _in_one_round_trip(execute, sql, params, context, cursor, scope: Scope):
    """The settings and the statement sent as one: a client-side cursor (Django's default with
    psycopg) sends a query by PostgreSQL's simple protocol, which runs the statements of one
    message as one transaction when no transaction is open (autocommit) and inside the open
    one otherwise, so the transaction-local settings hold for the statement and end with its
    transaction, as they do through a pooler. Four round trips become one for a statement of
    its own (BEGIN, the settings, the statement, COMMIT), and the first of a transaction saves
    one. The cursor is then moved to the statement's own result."""
    result = execute(_settings_literal(scope) + sql, params, False, context)
    cursor.nextset()
    return result


def _settings_literal(scope: Scope) -> str:
    """SET_SQL with the scope's values written in: ids and a word of KINDS, so nothing needs
    quoting, and no `%` that the statement's own parameters would take for a placeholder."""
    agency_id, user_id, kind = values = scope.settings()
    if kind not in KINDS or not all(v == "" or v.isdigit() for v in (agency_id, user_id)):
        raise ValueError(f"not a scope: {scope!r}")
    return SET_SQL % tuple(f"'{value}'" for value in values) + "; "


def _install(sender, connection, **kwargs) -> None:
    if _is_postgres(connection) and _execute_in_scope not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute_in_scope)


def install() -> None:
    """Called once from AgenciesConfig.ready()."""
    connection_created.connect(_install, dispatch_uid="agencies.tenant_db")
