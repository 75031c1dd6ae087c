"""Through PgBouncer in transaction mode (bench/pooler.py) the agency scope never leaks from one
pooled client to the next: it lives in transaction-local settings (agencies/tenant_db.py), and
PgBouncer hands the one server connection from client to client only between transactions.

With a pool of one server connection, two clients of different agencies take turns on the same
PostgreSQL backend (the same `pg_backend_pid()`), and each sees its own agency's rows only;
a transaction that opens no scope after one that did sees no agency's rows. The first test
shows that the clients really share one server session: what one of them sets for its session,
the other reads. The last runs docker-compose.yml's PgBouncer configuration here. PostgreSQL
only, as the app role under row-level security."""

import re
from contextlib import nullcontext
from pathlib import Path

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection, transaction

from agencies import tenant_db
from agencies.choices import Role
from bench import pooler
from roster.models import Person
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member
from tests.support.mfa import verified_client
from tests.support.pooler import PooledClient, needs_pgbouncer, pooled_database

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the clients' threads read what the test wrote
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (PgBouncer, row-level security)"
    ),
]


@pytest.fixture
def agencies():
    alpha = AgencyFactory(slug="alpha", name="Alpha Police Department", preset="kcpd")
    bravo = AgencyFactory(slug="bravo", name="Bravo Police Department", preset="kcpd")
    for agency, name in ((alpha, "Alderman"), (bravo, "Birchwood")):
        ShiftFactory(peer__agency=agency, peer__person__last_name=f"{name}-on-call")
        PeerFactory(agency=agency, person__last_name=f"{name}-off-duty")
    return alpha, bravo


@pytest.fixture
def clients():
    """Two pooled clients through one server connection, closed before the pooler stops."""
    with pooled_database(pool_size=1):
        pair = PooledClient("client-alpha"), PooledClient("client-bravo")
        try:
            yield pair
        finally:
            for client in pair:
                client.close()


def _server_and_client() -> tuple[int, int]:
    """The PostgreSQL backend this transaction runs on, and the PgBouncer client connection
    (PgBouncer gives each client a key of its own where PostgreSQL's backend id would be)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (server,) = cursor.fetchone()
    return server, connection.connection.info.backend_pid


def _what_a_transaction_sees(agency_id: int | None, *, atomic: bool = True):
    """A job: in the agency's scope (or none), the agencies of every person row the database
    shows, the agency setting it runs under, and where it ran."""

    def job() -> dict:
        scope = tenant_db.agency_scope(agency_id) if agency_id else nullcontext()
        with scope, transaction.atomic() if atomic else nullcontext():
            agencies = set(Person.objects.values_list("agency_id", flat=True))
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('app.agency_id', true)")
                (setting,) = cursor.fetchone()
            server, client = _server_and_client()
        return {"agencies": agencies, "setting": setting or "", "server": server, "client": client}

    return job


def test_the_two_clients_share_one_server_session(agencies, clients):
    """What the test below relies on: a session-level setting (`set_config(..., false)`, which
    the app never makes) would reach the other client, so one backend really serves both."""
    alpha_client, bravo_client = clients

    def set_for_the_session():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.probe', 'set by alpha', false)")
        return _server_and_client()

    def read_it():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.probe', true)")
            (value,) = cursor.fetchone()
        return value, _server_and_client()

    alpha_server, alpha_key = alpha_client.run(set_for_the_session)
    value, (bravo_server, bravo_key) = bravo_client.run(read_it)
    assert alpha_key != bravo_key  # two clients of PgBouncer
    assert alpha_server == bravo_server  # on one PostgreSQL backend
    assert value == "set by alpha"


def test_interleaved_agencies_on_one_server_connection_see_only_their_own_rows(agencies, clients):
    alpha, bravo = agencies
    alpha_client, bravo_client = clients
    turns = [
        ("alpha", alpha_client.run(_what_a_transaction_sees(alpha.pk))),
        ("bravo", bravo_client.run(_what_a_transaction_sees(bravo.pk))),
        # Each query in autocommit mode is a transaction of its own, scoped by the hook.
        ("alpha", alpha_client.run(_what_a_transaction_sees(alpha.pk, atomic=False))),
        # No scope, right after a transaction that had one, on the same backend.
        ("none", bravo_client.run(_what_a_transaction_sees(None))),
        ("bravo", bravo_client.run(_what_a_transaction_sees(bravo.pk, atomic=False))),
        ("none", alpha_client.run(_what_a_transaction_sees(None, atomic=False))),
        ("alpha", alpha_client.run(_what_a_transaction_sees(alpha.pk))),
        ("none", alpha_client.run(_what_a_transaction_sees(None))),
    ]
    expected = {"alpha": ({alpha.pk}, str(alpha.pk)), "bravo": ({bravo.pk}, str(bravo.pk))}
    for whose, seen in turns:
        assert (seen["agencies"], seen["setting"]) == expected.get(whose, (set(), "")), whose
    assert len({seen["server"] for _, seen in turns}) == 1
    assert len({seen["client"] for _, seen in turns}) == 2


def test_interleaved_on_call_lookups_through_the_pooler_show_no_peer_of_the_other_agency(
    agencies, clients
):
    alpha, bravo = agencies
    browsers = {
        "alpha": verified_client(member(alpha, Role.OFFICER, username="officer.alpha")),
        "bravo": verified_client(member(bravo, Role.OFFICER, username="officer.bravo")),
    }
    alpha_client, bravo_client = clients

    def lookup(whose: str, slug: str):
        def job() -> tuple[int, str, int]:
            response = browsers[whose].get(f"/{slug}/on-call/")
            return response.status_code, response.content.decode(), _server_and_client()[0]

        return job

    servers = set()
    for whose, slug, client in [
        ("alpha", "alpha", alpha_client),
        ("bravo", "bravo", bravo_client),
        ("alpha", "alpha", alpha_client),
        ("bravo", "bravo", bravo_client),
    ]:
        cache.clear()  # each request renders its team section from the database
        status, page, server = client.run(lookup(whose, slug))
        assert status == 200
        own, other = ("Alderman", "Birchwood") if whose == "alpha" else ("Birchwood", "Alderman")
        assert f"{own}-on-call" in page and f"{own}-off-duty" in page
        assert other not in page
        servers.add(server)
        # The next client's transaction after this request, with no scope, sees no rows.
        after = bravo_client if client is alpha_client else alpha_client
        assert after.run(_what_a_transaction_sees(None))["agencies"] == set()
    assert len(servers) == 1
    # Another agency's lookup is a 404 through the pooler as it is directly.
    assert alpha_client.run(lookup("alpha", "bravo"))[0] == 404


ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
COMPOSE_POOLER = ROOT / "deploy" / "pgbouncer"


def _the_compose_ini_here(folder: Path, port: int) -> str:
    """deploy/pgbouncer/pgbouncer.ini as it is, but for this machine: its database is the test
    database, it listens on the loopback, its user list is in folder."""
    db = connection.settings_dict
    text = (COMPOSE_POOLER / "pgbouncer.ini").read_text()
    here = {
        "peersupport = host=postgres port=5432 dbname=peersupport": (
            f"peersupport = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
            f"dbname={db['NAME']}"
        ),
        "listen_addr = 0.0.0.0": "listen_addr = 127.0.0.1",
        "listen_port = 6432": f"listen_port = {port}",
        "auth_file = /etc/pgbouncer/userlist.txt": f"auth_file = {folder / 'userlist.txt'}",
    }
    for there, instead in here.items():
        assert there in text, f"deploy/pgbouncer/pgbouncer.ini no longer says {there!r}"
        text = text.replace(there, instead)
    return text


def test_the_compose_stack_pools_the_app_roles_transactions_through_pgbouncer():
    """docker-compose.yml's app services connect through its PgBouncer as the app role, with
    DATABASE_POOLER=transaction; that PgBouncer, run here by Debian's package, hands one server
    connection from client to client between transactions (transaction mode: in session mode
    the second client would have a server connection of its own)."""
    needs_pgbouncer()
    compose = COMPOSE.read_text()
    app_url = r"^  DATABASE_URL: postgres://(\w+):(\w+)@pgbouncer:6432/peersupport$"
    url = re.search(app_url, compose, re.MULTILINE)
    assert url, "the app's DATABASE_URL in docker-compose.yml goes through pgbouncer:6432"
    assert re.search(r"^  DATABASE_POOLER: transaction$", compose, re.MULTILINE)
    user, password = url.groups()
    listed = (COMPOSE_POOLER / "userlist.txt").read_text().split()
    assert listed == [f'"{user}"', f'"{password}"']
    assert (
        f"CREATE ROLE {user} LOGIN PASSWORD '{password}'"
        in (ROOT / "deploy" / "postgres-app-role.sql").read_text()
    )

    with pooler.pgbouncer(_the_compose_ini_here, users={user: password}) as started:
        where = {"host": started.host, "port": started.port, "dbname": "peersupport"}
        clients = [
            psycopg.connect(**where, user=user, password=password, autocommit=True)
            for _ in range(2)
        ]
        try:
            first, second = clients
            first.execute("SELECT set_config('app.probe', 'first', false)")
            (server_of_first,) = first.execute("SELECT pg_backend_pid()").fetchone()
            seen = second.execute(
                "SELECT current_setting('app.probe', true), pg_backend_pid(), current_user"
            ).fetchone()
        finally:
            for client in clients:
                client.close()
    assert seen == ("first", server_of_first, user)
