"""Runs every benchmark script against PostgreSQL and Redis, then prints the machine it ran on
and one table of the results.

    .venv/bin/python bench/run.py [--only oncall_lookup ...] [--json results.json]   (make bench)

DATABASE_URL must name PostgreSQL and REDIS_URL Redis; unset, they are
postgres://postgres@127.0.0.1:5432/peersupport_bench and redis://127.0.0.1:6379/15. Every script
works in a scratch database of its own (DATABASE_URL's name with `test_` before it) that it
creates and drops, so DATABASE_URL's database itself is never touched; the activation fan-out's
tasks go through REDIS_URL's database, so give the bench one that no other worker reads, and give
two runs at once different databases of both.

The scripts (SCRIPTS, in the table's order) run one after the other as `python bench/NAME.py`
with no arguments: their defaults are the sizes the issue asks for. Before the first of those
that measure on the state-sized data set (STATE_SCRIPTS), `bench/state.py` builds it once as a
template database (DATABASE_URL's name with `_state` after it, named to them in BENCH_STATE_DB),
each of them takes a copy, and the template is dropped after the last. What they print passes
through as it comes. A script that is not there gets the row "not present"; one that exits with
another code than 0, or prints no result, gets "failed".

The contract a script follows: besides its own lines for people, it prints each of its rows of
the table as one line, `BENCH ` and then a JSON object:

    BENCH {"benchmark": "check-in scheduler", "setup": "20,000 officers", "result": "6.2 s",
           "aim": "under 10 s", "ok": true, "figures": {"seconds": 6.2}}

    benchmark  the row's name (required)
    result     what it measured, as a person reads it (required)
    setup      the sizes, the set-up ("" for nothing to say)
    aim        the aim as the issue words it, or null for a row without one
    ok         true: the aim is met; false: it is not (without an aim: the run had errors); null
    figures    the raw numbers, any names (only --json's file keeps them)

or, when it cannot run here: `BENCH {"benchmark": "...", "skipped": "the reason"}`, and exit 0.
bench/scratch.py's emit() and skip() print exactly these lines.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = {  # the script, and its rows' name when it is missing or fails
    "oncall_lookup": "on-call lookup",
    "activation_fanout": "activation fan-out",
    "checkin_scheduler": "check-in scheduler",
    "usage_statistics": "usage statistics",
    "activation_broker_down": "activation request, broker down",
}
# The scripts that measure on the state-sized data set (bench/state.py): run.py builds it once,
# as a template database, before the first of them, and drops it after the last.
STATE_SCRIPTS = ("oncall_lookup", "checkin_scheduler", "usage_statistics")
DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/peersupport_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}
SCHEMES = {"DATABASE_URL": ("postgres://", "postgresql://"), "REDIS_URL": ("redis://",)}


def environment() -> dict:
    env = dict(os.environ)
    for name, default in DEFAULTS.items():
        env[name] = env.get(name) or default
        if not env[name].startswith(SCHEMES[name]):
            raise SystemExit(f"{name} must start with {' or '.join(SCHEMES[name])}: {env[name]}")
    return env


def _cluster(env: dict):
    """A connection to the cluster's `postgres` database as DATABASE_URL's user."""
    import environ
    import psycopg

    db = environ.Env.db_url_config(env["DATABASE_URL"])
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"] or None, dbname="postgres", connect_timeout=5, autocommit=True,
    )  # fmt: skip


def state_template(env: dict) -> str:
    """The name of the state data set's template database: DATABASE_URL's with `_state`."""
    import environ

    return environ.Env.db_url_config(env["DATABASE_URL"])["NAME"] + "_state"


def drop_database(env: dict, name: str) -> None:
    with _cluster(env) as cluster:
        cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine(env: dict) -> str:
    """CPU, cores, memory, system; Python, PostgreSQL and Redis versions; date."""
    import environ
    import psycopg
    import redis

    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), cpu)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    db = environ.Env.db_url_config(env["DATABASE_URL"])
    try:
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            password=db["PASSWORD"] or None, dbname="postgres", connect_timeout=5,
        ) as connection:  # fmt: skip
            postgresql = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    except psycopg.Error as error:
        raise SystemExit(f"PostgreSQL at DATABASE_URL does not answer: {error}") from error
    try:
        info = redis.Redis.from_url(env["REDIS_URL"], socket_timeout=5).info("server")
    except redis.RedisError as error:
        raise SystemExit(f"Redis at REDIS_URL does not answer: {error}") from error
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, PostgreSQL {postgresql}, "
        f"Redis {info['redis_version']}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def run(path: Path, name: str, env: dict) -> list[dict]:
    """The script's rows, its output passed through as it comes."""
    if not path.exists():
        return [
            {"benchmark": name, "result": f"no bench/{path.name} yet", "verdict": "not present"}
        ]
    print(f"== bench/{path.name}", flush=True)
    started = time.monotonic()
    rows = []
    process = subprocess.Popen(
        [sys.executable, str(path)], cwd=BENCH.parent, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for line in process.stdout:
        if line.startswith("BENCH "):
            try:
                rows.append(json.loads(line.removeprefix("BENCH ")))
            except json.JSONDecodeError:
                rows.append({"benchmark": name, "verdict": f"failed (bad BENCH line: {line!r})"})
        else:
            print(line, end="", flush=True)
    code = process.wait()
    print(f"== bench/{path.name}: {time.monotonic() - started:.0f} s", flush=True)
    if code or not rows:
        reason = f"exit code {code}" if code else "no BENCH line"
        rows.append({"benchmark": name, "verdict": f"failed ({reason})"})
    return rows


def verdict(row: dict) -> str:
    if "verdict" in row:
        return row["verdict"]
    if "skipped" in row:
        return f"skipped ({row['skipped']})"
    if row.get("ok") is None:
        return "—"
    if row["ok"]:
        return "pass"
    return "over" if row.get("aim") else "fail"


def table(rows: list[dict]) -> str:
    lines = ["| benchmark | setup | result | aim | verdict |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        cells = [row["benchmark"], row.get("setup") or "", row.get("result") or ""]
        cells += [row.get("aim") or "—", verdict(row)]
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, help="run only these scripts")
    parser.add_argument("--json", type=Path, help="also write the machine and every row here")
    args = parser.parse_args()
    env = environment()
    about = machine(env)
    started = time.monotonic()
    chosen = [script for script in SCRIPTS if script in (args.only or SCRIPTS)]
    rows = []
    if any(script in STATE_SCRIPTS for script in chosen):
        env["BENCH_STATE_DB"] = state_template(env)
        rows += run(BENCH / "state.py", "state data set", env)
    try:
        for script in chosen:
            rows += run(BENCH / f"{script}.py", SCRIPTS[script], env)
    finally:
        if "BENCH_STATE_DB" in env:
            drop_database(env, env["BENCH_STATE_DB"])
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print(f"\nMachine: {about}. The whole bench took {minutes} min {seconds} s.\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps({"machine": about, "rows": rows}, indent=2) + "\n")
    return 1 if any(verdict(row).startswith("failed") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
