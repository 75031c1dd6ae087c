"""Production settings are checked in a fresh interpreter: settings are read once per process."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = "x7Kq2vN9pL4mR8tY1wE6uI3oA5sD0fG-hJ+zXcVbNm@QwErTyUiOp!"

# Every variable these tests decide on, so the caller's (CI sets DATABASE_URL and REDIS_URL)
# never leaks in.
_UNSET = {
    "DEBUG",
    "EMBEDDED",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_POOLER",
    "REDIS_URL",
    "EMAIL_URL",
    "SMS_BACKEND",
    "SMS_ACCOUNT_SID",
    "SMS_AUTH_TOKEN",
    "SMS_FROM",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "VAR_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

# A complete production environment; nothing here is contacted by `check` or by reading settings.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_SECRET,
    "ALLOWED_HOSTS": "peers.example.org",
    "DATABASE_URL": "postgres://peersupport_app:pw@db.example.org:5432/peersupport",
    "REDIS_URL": "redis://redis.example.org:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:pw@mail.example.org:587",
    "SMS_BACKEND": "notifications.sms.TwilioSmsBackend",
    "SMS_ACCOUNT_SID": "AC0123456789",
    "SMS_AUTH_TOKEN": "sms-token",
    "SMS_FROM": "+15555550100",
}
EMBEDDED_PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": STRONG_SECRET,
    "ALLOWED_HOSTS": "peers.example.org",
    "EMBEDDED": "true",
}


def clean_env(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in _UNSET}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return clean


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def without(*names: str, **extra: str) -> dict[str, str]:
    return {k: v for k, v in {**PRODUCTION, **extra}.items() if k not in names}


def refused(result: subprocess.CompletedProcess) -> set[str]:
    """The variables the ImproperlyConfigured message names, one per `  - NAME: ...` line."""
    assert result.returncode != 0, result.stdout
    _, found, message = result.stderr.partition("ImproperlyConfigured: ")
    assert found, result.stderr
    return set(re.findall(r"^  - (\w+): ", message, re.MULTILINE))


def printed(code: str, **env: str) -> list[str]:
    result = run("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


def test_production_starts_with_every_service_named():
    result = run("check", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    assert refused(run("check", **without("SECRET_KEY"))) == {"SECRET_KEY"}


def test_production_refuses_to_start_without_allowed_hosts():
    assert refused(run("check", **without("ALLOWED_HOSTS"))) == {"ALLOWED_HOSTS"}


def test_production_refuses_to_start_without_database_url():
    assert refused(run("check", **without("DATABASE_URL"))) == {"DATABASE_URL"}


def test_production_refuses_to_start_without_redis_url():
    assert refused(run("check", **without("REDIS_URL"))) == {"REDIS_URL"}


def test_production_refuses_to_start_without_email_url():
    assert refused(run("check", **without("EMAIL_URL"))) == {"EMAIL_URL"}


def test_production_refuses_to_start_without_an_sms_backend():
    result = run("check", **without("SMS_BACKEND", "SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"))
    assert refused(result) == {"SMS_BACKEND"}


@pytest.mark.parametrize("url", ["filemail:///srv/mail", "consolemail://"])
def test_production_refuses_mail_kept_on_the_server(url):
    assert refused(run("check", **without(EMAIL_URL=url))) == {"EMAIL_URL"}


@pytest.mark.parametrize(
    "backend", ["notifications.sms.FileSmsBackend", "notifications.sms.LocmemSmsBackend"]
)
def test_production_refuses_texts_kept_on_the_server(backend):
    assert refused(run("check", **without(SMS_BACKEND=backend))) == {"SMS_BACKEND"}


@pytest.mark.parametrize(
    "backend",
    # The second is the old name of the Twilio backend, still accepted.
    ["notifications.sms.TwilioSmsBackend", "notifications.sms.HttpSmsBackend"],
)
def test_production_refuses_the_twilio_sms_backend_without_its_credentials(backend):
    result = run(
        "check", **without("SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM", SMS_BACKEND=backend)
    )
    assert refused(result) == {"SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"}


def test_the_refusal_names_every_missing_variable_at_once():
    result = run("check", DEBUG="false")
    assert refused(result) == {
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "SMS_BACKEND",
    }
    assert "Or set EMBEDDED=true" in result.stderr


def test_embedded_true_allows_the_embedded_database_broker_mail_and_texts(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE']); "
        "print(s.CELERY_BROKER_URL); print(s.EMAIL_BACKEND); print(s.SMS_BACKEND)"
    )
    assert printed(code, VAR_DIR=str(tmp_path), **EMBEDDED_PRODUCTION)[-4:] == [
        "django.db.backends.sqlite3",
        "filesystem://localhost//",
        "django.core.mail.backends.filebased.EmailBackend",
        "notifications.sms.FileSmsBackend",
    ]


def test_embedded_true_still_needs_a_secret_key_and_allowed_hosts():
    result = run("check", DEBUG="false", EMBEDDED="true")
    assert refused(result) == {"SECRET_KEY", "ALLOWED_HOSTS"}
    assert "Or set EMBEDDED=true" not in result.stderr


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in EMBEDDED_PRODUCTION.items() if k != "DEBUG"}
    assert printed("from django.conf import settings; print(settings.DEBUG)", **env)[-1] == "False"


HSTS_HEADER = (
    "from django.http import HttpResponse; from django.test import RequestFactory; "
    "from django.middleware.security import SecurityMiddleware; "
    "request = RequestFactory().get('/', secure=True); "
    "print(SecurityMiddleware(lambda r: HttpResponse())(request)['Strict-Transport-Security'])"
)


def test_hsts_starts_at_an_hour_with_subdomains_and_without_preload():
    assert printed(HSTS_HEADER, **PRODUCTION)[-1] == "max-age=3600; includeSubDomains"


def test_hsts_lifetime_subdomains_and_preload_follow_their_variables():
    env = {
        **PRODUCTION,
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
    }
    assert printed(HSTS_HEADER, **env)[-1] == "max-age=31536000; includeSubDomains; preload"
    env["SECURE_HSTS_INCLUDE_SUBDOMAINS"] = "false"
    env["SECURE_HSTS_PRELOAD"] = "false"
    assert printed(HSTS_HEADER, **env)[-1] == "max-age=31536000"


@pytest.mark.parametrize(
    "base, extra",
    [
        (PRODUCTION, {}),
        (PRODUCTION, {"USE_X_FORWARDED_PROTO": "true"}),
        (EMBEDDED_PRODUCTION, {}),
    ],
    ids=["services", "behind-a-proxy", "embedded"],
)
def test_check_deploy_reports_nothing_in_production(base, extra):
    result = run("check", "--deploy", "--fail-level", "DEBUG", **base, **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def settings_in_a_copy(tmp_path: Path, dotenv: str, code: str, **env: str) -> list[str]:
    """Runs code against a copy of config/ whose top holds the given .env, so the test never
    writes a .env into the real project (other runs would read it)."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "config", project / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    (project / ".env").write_text(dotenv)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()


VAR_DIR_SETTINGS = (
    "from config import settings as s; print(s.VAR_DIR); print(s.DATABASES['default']['NAME']); "
    "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'])"
)


def test_var_dir_in_dotenv_is_honoured(tmp_path):
    var = tmp_path / "var-from-dotenv"
    lines = settings_in_a_copy(tmp_path, f"VAR_DIR={var}\n", VAR_DIR_SETTINGS, DEBUG="true")
    assert lines[-3:] == [str(var), str(var / "db.sqlite3"), str(var / "celery" / "queue")]
    assert (var / "celery" / "queue").is_dir()


def test_the_environment_wins_over_dotenv(tmp_path):
    var = tmp_path / "var-from-environment"
    lines = settings_in_a_copy(
        tmp_path,
        f"VAR_DIR={tmp_path / 'var-from-dotenv'}\n",
        VAR_DIR_SETTINGS,
        DEBUG="true",
        VAR_DIR=str(var),
    )
    assert lines[-3] == str(var)


def test_dotenv_can_complete_production(tmp_path):
    dotenv = "".join(f"{k}={v}\n" for k, v in PRODUCTION.items() if k != "DEBUG")
    code = "from config import settings as s; print(s.DATABASES['default']['HOST'])"
    lines = settings_in_a_copy(
        tmp_path, dotenv + f"VAR_DIR={tmp_path / 'var'}\n", code, DEBUG="false"
    )
    assert lines[-1] == "db.example.org"


SERVER_SIDE_CURSORS = (
    "from django.conf import settings; "
    "print(settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False))"
)


def test_behind_a_transaction_pooler_django_keeps_no_server_side_cursor():
    assert printed(SERVER_SIDE_CURSORS, **PRODUCTION)[-1] == "False"
    assert printed(SERVER_SIDE_CURSORS, **PRODUCTION, DATABASE_POOLER="session")[-1] == "False"
    assert printed(SERVER_SIDE_CURSORS, **PRODUCTION, DATABASE_POOLER="transaction")[-1] == "True"


def test_an_unknown_pooler_mode_is_refused_by_name():
    result = run("check", **PRODUCTION, DATABASE_POOLER="statement")
    assert result.returncode != 0
    assert "DATABASE_POOLER='statement'" in result.stderr
