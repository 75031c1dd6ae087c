"""Where the suite's scopes come from (agencies/tenant_db.py).

A worker starts a task, and a server starts a request, with no scope at all: only the code's own
`agency_scope` or `system_scope` (or the middleware's) lets it see an agency's rows. The suite
runs test bodies the same way (tests/conftest.py), so a task, service or command that forgot its
scope finds nothing on PostgreSQL and its test fails. Data is built in system scope (the
factories, the shared fixtures); a test that checks across agencies by nature says so with
`@pytest.mark.system_scope`."""

import functools
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.test.client import ClientHandler

from agencies import tenant_db


@contextmanager
def no_scope() -> Iterator[None]:
    """No scope at all, as at the start of a task or a request, whatever the caller had open:
    on PostgreSQL an agency-owned table shows no row here. (The context variable is reset and
    the transaction-local settings emptied at once, as tenant_db does when a scope closes; the
    module has no public way to leave every scope, as product code never needs one.)"""
    token = tenant_db._current.set(None)
    tenant_db._apply_now()
    try:
        yield
    finally:
        tenant_db._current.reset(token)
        tenant_db._apply_now()


def building():
    """Making test data: in system scope when the caller has none (a test body), in the
    caller's own scope when it opened one (a test of what that scope may write)."""
    return tenant_db.system_scope() if tenant_db.current() is None else nullcontext()


def built(function):
    """A test's helper that makes its rows, or reads back what the test made: it runs as the
    factories do (`building()`), so the test body that calls it may stay unscoped."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with building():
            return function(*args, **kwargs)

    return wrapper


def is_unscoped() -> bool:
    return tenant_db.current() is None


def unscoped_requests() -> None:
    """The test client runs a request in the test's own thread, where the test's scope would
    still be open (a `with system_scope():` around a request, or a marked test's scope). A real
    request starts with none, and the middleware opens its own: so does every test-client
    request from here on."""
    if getattr(ClientHandler.__call__, "starts_unscoped", False):
        return
    handle = ClientHandler.__call__

    def __call__(self, environ):
        with no_scope():
            response = handle(self, environ)
        if response.streaming and not response.is_async:
            # A server reads a streamed body (an export) after the view returned, unscoped.
            response.streaming_content = _unscoped(response.streaming_content)
        return response

    __call__.starts_unscoped = True
    ClientHandler.__call__ = __call__


def _unscoped(chunks):
    chunks = iter(chunks)
    while True:
        with no_scope():
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk
