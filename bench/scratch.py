"""What every benchmark script shares: Django set up against a scratch copy of DATABASE_URL's
database (or SQLite), created for the run and dropped after it; the settings a web server or a
worker started on that scratch database runs with; figures; and the `BENCH {json}` result line
that bench/run.py collects into its table (the contract is in run.py's docstring).

On PostgreSQL the figures are production's: DATABASE_URL's user creates and migrates the scratch
database (the owner, as migrations run in production), and the servers and workers a script
starts connect as an app role that owns nothing and has neither SUPERUSER nor BYPASSRLS, so
every query they make pays for row-level security (agencies/rls.py). A script fills its data as
the owner and measures in-process inside `as_app_role()`."""

import contextlib
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")


# The role the app connects as, made once per cluster by the first bench run; its password only
# opens the loopback scratch databases of a bench.
APP_ROLE = "peersupport_bench_app"
APP_PASSWORD = "peersupport_bench_app"


@contextlib.contextmanager
def scratch_database():
    """Yields the scratch database's name, migrated by the owner; on PostgreSQL the app role
    may use it (`as_app_role`, `service_env`)."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from agencies import rls

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if connection.vendor == "postgresql":
            rls.create_app_role(connection, APP_ROLE, APP_PASSWORD)
            rls.grant(connection, APP_ROLE)
        yield name
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


@contextlib.contextmanager
def as_app_role():
    """Inside the block this process connects to the scratch database as the app role, under
    row-level security, as the app does in production; the owner again after it."""
    from django.db import connection

    from agencies import rls

    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=APP_ROLE, PASSWORD=APP_PASSWORD)
    try:
        with connection.cursor() as cursor:
            problems = rls.bypass_problems(cursor)
        if problems:
            raise SystemExit(f"{APP_ROLE} would not be bound by row-level security: {problems}")
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@contextlib.contextmanager
def work_folder(prefix: str):
    """A temporary folder for a server's or worker's files and log: removed after a good run,
    kept (and named) after a failed one."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    except BaseException:
        print(f"(its files and log are kept in {folder})", file=sys.stderr)
        raise
    shutil.rmtree(folder, ignore_errors=True)


def service_env(db_name: str, folder: Path) -> dict:
    """The environment of a process (gunicorn, a Celery worker) that serves the scratch database
    as production would: DEBUG off, the real settings, the app role under row-level security,
    Redis when REDIS_URL is set; plain http on the loopback, and this process's SECRET_KEY so
    the sessions it makes are good there."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        # Mail and texts go to files under the work folder: a bench must never send any.
        "EMBEDDED": "true",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"postgres://{APP_ROLE}:{APP_PASSWORD}@"
        f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db_name}",
        "VAR_DIR": str(folder),
        "STATIC_ROOT": str(folder / "static"),
        "EMAIL_URL": f"filemail://{folder / 'mail'}",
        "SMS_FILE_PATH": str(folder / "sms"),
    }


@contextlib.contextmanager
def background(command: list[str], env: dict, log: Path):
    """Runs command (a server, a worker) in its own process group until the block ends, its
    output in log."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


@contextlib.contextmanager
def celery_worker(db_name: str, folder: Path, concurrency: int):
    """A real Celery worker of `concurrency` processes on the scratch database, as the app role,
    taking the tasks this process queues on REDIS_URL's Redis database, until the block ends;
    its log is folder/worker.log."""
    from config.celery import app

    app.conf.update(broker_url=os.environ["REDIS_URL"], task_always_eager=False)
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING",
        f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
        "-n", f"bench-{os.getpid()}@localhost",
    ]  # fmt: skip
    with background(command, service_env(db_name, folder), folder / "worker.log") as process:
        yield process


def worker_peak_rss(master_pid: int) -> list[float]:
    """The peak resident memory (VmHWM, MiB) of each worker process that master_pid (gunicorn's
    master) started, read while they still run."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return peaks


def median_p95(values: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def emit(benchmark: str, result: str, *, setup: str = "", aim: str | None = None,
         ok: bool | None = None, **figures) -> None:  # fmt: skip
    """One row of bench/run.py's table."""
    row = {"benchmark": benchmark, "setup": setup, "result": result, "aim": aim, "ok": ok}
    print("BENCH " + json.dumps({**row, "figures": figures}), flush=True)


def skip(benchmark: str, reason: str) -> int:
    print(f"{benchmark}: skipped ({reason})")
    print("BENCH " + json.dumps({"benchmark": benchmark, "skipped": reason}), flush=True)
    return 0
