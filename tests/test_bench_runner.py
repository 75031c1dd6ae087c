"""bench/run.py: the BENCH line contract scripts follow, and the table it makes of them."""

import importlib.util
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)


def script(tmp_path, body: str) -> Path:
    path = tmp_path / "fake.py"
    path.write_text(f"import sys\nsys.path.insert(0, {str(BENCH)!r})\nimport scratch\n{body}\n")
    return path


def test_rows_from_emit_and_skip_make_the_table(tmp_path, capsys):
    path = script(
        tmp_path,
        'print("fake: 4.1 s")\n'
        'scratch.emit("fake", "4.1 s", setup="20,000 officers", aim="under 10 s", ok=True, s=4.1)\n'
        'scratch.emit("fake, slow part", "12 s", aim="under 10 s", ok=False)\n'
        'scratch.emit("fake, ratio", "2.0x")\n'
        'scratch.skip("fake, elsewhere", "needs a thing")',
    )
    rows = runner.run(path, "fake", dict(os.environ))
    assert "fake: 4.1 s" in capsys.readouterr().out
    assert rows[0]["figures"] == {"s": 4.1}
    assert runner.table(rows).splitlines()[2:] == [
        "| fake | 20,000 officers | 4.1 s | under 10 s | pass |",
        "| fake, slow part |  | 12 s | under 10 s | over |",
        "| fake, ratio |  | 2.0x | — | — |",
        "| fake, elsewhere |  |  | — | skipped (needs a thing) |",
    ]


def test_a_missing_or_failing_script_has_its_row(tmp_path):
    missing = runner.run(tmp_path / "checkin_scheduler.py", "check-in scheduler", {})
    assert runner.verdict(missing[0]) == "not present"
    failing = runner.run(script(tmp_path, "sys.exit(3)"), "fake", dict(os.environ))
    assert runner.verdict(failing[-1]) == "failed (exit code 3)"
    silent = runner.run(script(tmp_path, "pass"), "fake", dict(os.environ))
    assert runner.verdict(silent[-1]) == "failed (no BENCH line)"


def test_only_postgresql_and_redis(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    env = runner.environment()
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///bench.sqlite3")
    with pytest.raises(SystemExit, match="DATABASE_URL must start with postgres"):
        runner.environment()


def test_the_runner_lists_every_benchmark_of_the_issue():
    assert list(runner.SCRIPTS) == [
        "oncall_lookup", "activation_fanout", "checkin_scheduler", "usage_statistics",
        "activation_broker_down",
    ]  # fmt: skip
    assert all((BENCH / f"{name}.py").exists() for name in runner.SCRIPTS if "checkin" not in name)
