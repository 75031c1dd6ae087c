"""A database blip in a request (a deadlock, a serialization failure, a dropped connection) is
retried a few times, and else answered with a clear busy page: never a 500, nothing half-saved.

Retrying is only done outside a transaction, so the tests that retry run without the test
case's wrapping one (transaction=True), as requests do in production."""

import os

import environ
import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection

from activations import tokens, views
from activations.models import Activation, CallOut, CallState
from agencies.choices import Role
from agencies.models import IncidentType
from agencies.transient import is_transient
from tests.factories import AgencyFactory, PeerFactory, member


class DriverError(Exception):
    """Stands for psycopg's error, which carries the SQLSTATE that Django's error wraps."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def database_error(kind=OperationalError, message: str = "deadlock detected", sqlstate="40P01"):
    error = kind(message)
    error.__cause__ = DriverError(sqlstate)
    return error


def deadlock() -> OperationalError:
    return database_error()


@pytest.fixture
def call(transactional_db):
    from django.utils import timezone

    agency = AgencyFactory(slug="kcpd", preset="kcpd")
    activation = Activation.objects.create(
        agency=agency, incident_type=IncidentType.objects.get(agency=agency, code="pursuit-crash"),
        occurred_at=timezone.now(), location="Downtown", members_affected=1, peers_needed=1,
        status="open", opened_at=timezone.now(),
    )  # fmt: skip
    return CallOut.objects.create(
        agency=agency, activation=activation, peer=PeerFactory(agency=agency)
    )


def link(call) -> str:
    return f"/callouts/kcpd/{tokens.make(callout_id=call.pk, agency_id=call.agency_id)}/"


def failing(times: int, error_factory=deadlock):
    """The answer service, failing `times` times before it works."""
    real = views.respond_service
    calls = {"n": 0}

    def service(**kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise error_factory()
        return real(**kwargs)

    return service, calls


def test_which_database_errors_count_as_transient():
    assert is_transient(deadlock())
    assert is_transient(database_error(message="could not serialize", sqlstate="40001"))
    assert is_transient(OperationalError("server closed the connection unexpectedly"))
    assert not is_transient(database_error(ProgrammingError, "syntax error", "42601"))
    assert not is_transient(database_error(message="disk full", sqlstate="53100"))


@pytest.mark.system_scope
def test_a_deadlock_in_the_answer_is_retried_and_the_peer_sees_it_accepted(
    client, call, monkeypatch
):
    service, calls = failing(2)
    monkeypatch.setattr(views, "respond_service", service)
    response = client.post(link(call), {"answer": "accept"})
    assert response.status_code == 200
    assert "you are on this assignment" in response.content.decode()
    assert calls["n"] == 3
    assert CallOut.objects.get(pk=call.pk).state == CallState.ACCEPTED


@pytest.mark.system_scope
def test_a_database_that_keeps_failing_gets_the_busy_page_not_a_500(client, call, monkeypatch):
    service, calls = failing(99)
    monkeypatch.setattr(views, "respond_service", service)
    response = client.post(link(call), {"answer": "accept"})
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "nothing was saved half-way" in page and "not been recorded" in page
    assert calls["n"] == 3  # a bounded number of tries
    assert CallOut.objects.get(pk=call.pk).state == CallState.CALLED


def test_an_error_that_is_not_transient_is_not_retried(client, call, monkeypatch):
    service, calls = failing(99, lambda: ProgrammingError("column does not exist"))
    monkeypatch.setattr(views, "respond_service", service)
    client.raise_request_exception = False
    response = client.post(link(call), {"answer": "accept"})
    assert response.status_code == 500
    assert calls["n"] == 1


def test_a_blip_before_any_view_runs_gets_the_busy_page(db, login, monkeypatch):
    """The agency lookup in the middleware reads the database before the view: its failure is
    answered by handler500, which tells a transient error from a real one."""
    agency = AgencyFactory(slug="kcpd", preset="kcpd")
    client = login(member(agency, Role.OFFICER))
    client.raise_request_exception = False
    from agencies import middleware

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(middleware, "cached_agency_and_roles", down)
    response = client.get("/kcpd/on-call/")
    assert response.status_code == 503
    assert "The system is busy" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real dropped connection")
@pytest.mark.system_scope
def test_a_connection_the_server_drops_mid_answer_is_reopened_and_the_answer_kept(
    client, call, monkeypatch
):
    owner = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    real = views.respond_service
    dropped = []

    def drop_then_answer(**kwargs):
        if not dropped:
            pid = connection.connection.info.backend_pid
            with psycopg.connect(
                host=owner["HOST"], port=owner["PORT"] or 5432, user=owner["USER"],
                dbname=connection.settings_dict["NAME"], autocommit=True,
            ) as admin:  # fmt: skip
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            dropped.append(pid)
        return real(**kwargs)

    monkeypatch.setattr(views, "respond_service", drop_then_answer)
    response = client.post(link(call), {"answer": "accept"})
    assert dropped, "the connection was not dropped"
    assert response.status_code == 200
    assert "you are on this assignment" in response.content.decode()
    assert CallOut.objects.get(pk=call.pk).state == CallState.ACCEPTED
    assert connection.connection.info.backend_pid != dropped[0]
