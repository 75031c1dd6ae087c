"""PgBouncer in transaction mode in front of a PostgreSQL server, for the bench and the tests:
`transaction_pooler(...)` starts Debian's `pgbouncer` on a free loopback port with an ini it
writes to a temporary folder, yields where to connect, and stops it after the block.

In transaction mode a client holds a server connection only for one transaction; the next
transaction of the same client may run on another server connection, and another client's on
this one. Nothing is reset in between (PgBouncer sends no DISCARD ALL in this mode), so what a
session sets survives into the next client's transaction: the app keeps its agency scope in
transaction-local settings for that reason (agencies/tenant_db.py), and Django must not keep a
server-side cursor open across transactions (DATABASE_POOLER=transaction in config/settings.py).

Standard library only: the tests import it as `bench.pooler`, the bench scripts as `pooler`.
`bench/run.py --pooler` (BENCH_POOLER=transaction) puts the servers a script starts behind it
(`serving`)."""

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

INSTALL_HINT = "install Debian's pgbouncer package: sudo apt-get install pgbouncer"
# Set by bench/run.py --pooler for the scripts it runs.
ENV = "BENCH_POOLER"


def binary() -> str | None:
    """Debian installs it in /usr/sbin, which is not on an ordinary user's PATH."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/local/sbin")


@dataclass(frozen=True)
class Pooler:
    host: str
    port: int
    log: Path

    def url(self, user: str, password: str, database: str) -> str:
        return f"postgres://{user}:{password}@{self.host}:{self.port}/{database}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _ini(folder: Path, port: int, server_host: str, server_port: int, pool_size: int) -> str:
    lines = [
        "[databases]",
        # Any database name the client asks for, on the server: the test databases of pytest's
        # workers and a bench's scratch database need no entry of their own.
        f"* = host={server_host} port={server_port}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        # TCP only: the clients connect by TCP, and the user PgBouncer drops to when started
        # as root could not make a socket in this folder.
        "unix_socket_dir =",
        "pool_mode = transaction",
        f"default_pool_size = {pool_size}",
        # No reserve connections beyond the pool: a pool of 1 is exactly one server connection.
        "reserve_pool_size = 0",
        f"max_db_connections = {pool_size}",
        "max_client_conn = 500",
        "auth_type = scram-sha-256",
        f"auth_file = {folder / 'userlist.txt'}",
        "ignore_startup_parameters = extra_float_digits",
        "log_connections = 0",
        "log_disconnections = 0",
    ]
    return "\n".join(lines) + "\n"


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextlib.contextmanager
def transaction_pooler(
    *, users: dict[str, str], server_host: str = "127.0.0.1", server_port: int = 5432,
    pool_size: int = 20,
) -> Iterator[Pooler]:  # fmt: skip
    """PgBouncer, pool_mode = transaction, for the given users (name: password; PgBouncer logs
    in to the server with the same password), at most pool_size server connections per database
    and user. Its log is kept (and named) only if it fails to start."""

    def ini(folder: Path, port: int) -> str:
        return _ini(folder, port, server_host, server_port, pool_size)

    with pgbouncer(ini, users=users) as started:
        yield started


@contextlib.contextmanager
def pgbouncer(ini: Callable[[Path, int], str], *, users: dict[str, str]) -> Iterator[Pooler]:
    """PgBouncer on the ini that ini(folder, port) returns: it must listen on 127.0.0.1:port and
    read its users from folder/userlist.txt, which holds the given users."""
    executable = binary()
    if executable is None:
        raise RuntimeError(f"pgbouncer not found: {INSTALL_HINT}")
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    # Readable by the user PgBouncer drops to when started as root; the passwords in it are the
    # loopback app roles' of the bench and the suite.
    folder.chmod(0o755)
    (folder / "userlist.txt").write_text(
        "".join(f"{_quoted(user)} {_quoted(password)}\n" for user, password in users.items())
    )
    log = folder / "pgbouncer.log"
    process = None
    try:
        for _attempt in range(3):  # another process may take the free port before PgBouncer
            port = _free_port()
            path = folder / "pgbouncer.ini"
            path.write_text(ini(folder, port) + _as_whom())
            for each in folder.iterdir():
                each.chmod(0o644)
            with log.open("w") as output:
                process = subprocess.Popen(
                    [executable, str(path)], stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
            if _wait_until_listening(process, port):
                break
            _stop(process)
            process = None
        if process is None:
            raise RuntimeError(f"pgbouncer did not start; its log is {log}:\n{log.read_text()}")
        yield Pooler(host="127.0.0.1", port=port, log=log)
    finally:
        if process is not None:
            _stop(process)
            shutil.rmtree(folder, ignore_errors=True)


def _as_whom() -> str:
    """PgBouncer refuses to run as root; it drops to this user after reading its files. The
    line goes at the end of the ini, which must end in its [pgbouncer] section."""
    if os.geteuid() != 0:
        return ""
    return f"\nuser = {'postgres' if _user_exists('postgres') else 'nobody'}\n"


def _wait_until_listening(process: subprocess.Popen, port: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen) -> None:
    # SIGTERM is PgBouncer's immediate shutdown: it closes every client and server connection,
    # so the database it served can be dropped right after.
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wanted() -> bool:
    return os.environ.get(ENV, "") == "transaction"


@contextlib.contextmanager
def serving(env: dict, *, pool_size: int = 20) -> Iterator[tuple[dict, str]]:
    """A server's environment (bench/scratch.py's service_env) with its DATABASE_URL through a
    PgBouncer in transaction mode started for the block, and the words the bench's setup column
    says it with; the environment unchanged, and no words, unless BENCH_POOLER=transaction."""
    if not wanted():
        yield env, ""
        return
    if binary() is None:
        raise SystemExit(f"{ENV}=transaction, but pgbouncer is not installed: {INSTALL_HINT}")
    url = urlsplit(env["DATABASE_URL"])
    user, password = unquote(url.username or ""), unquote(url.password or "")
    with transaction_pooler(
        users={user: password}, server_host=url.hostname or "127.0.0.1",
        server_port=url.port or 5432, pool_size=pool_size,
    ) as started:  # fmt: skip
        pooled = {
            **env,
            "DATABASE_URL": started.url(user, password, url.path.lstrip("/")),
            "DATABASE_POOLER": "transaction",
        }
        yield pooled, f"through PgBouncer (transaction mode, {pool_size} server connections)"
