"""Reading the audit log back in tests, and calling a service as a request of the agency would."""

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.urls import URLPattern, URLResolver

from agencies import tenant_db
from security.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def code_base_files() -> Iterator[Path]:
    """The code base's own modules: not tests, migrations or the virtualenv."""
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & {".venv", "tests", "migrations", "node_modules"}:
            yield path


def code_base_calls() -> Iterator[ast.Call]:
    for path in code_base_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                yield node


def call_name(node: ast.Call) -> str:
    return getattr(node.func, "attr", getattr(node.func, "id", ""))


def audited_codes() -> set[str]:
    """The codes services are `audited` under: the first argument, and `new=`."""
    codes = set()
    for node in code_base_calls():
        if call_name(node) == "audited":
            codes |= {a.value for a in node.args if isinstance(a, ast.Constant)}
            codes |= {k.value.value for k in node.keywords if k.arg == "new"}
    return codes


def agency_url_names(patterns, namespace="", under_agency=False) -> Iterator[str]:
    """The names of the pages under an agency's address ("roster:peer")."""
    for p in patterns:
        inside = under_agency or "agency_slug" in str(p.pattern)
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from agency_url_names(p.url_patterns, ns, inside)
        elif isinstance(p, URLPattern) and inside and p.name:
            yield ":".join(filter(None, [namespace, p.name]))


def entries(code: str) -> list[tuple[str, str, int | None]]:
    """(outcome, object id, actor id) of each entry recorded under `code`, oldest first."""
    with tenant_db.system_scope():
        rows = AuditEvent.objects.filter(action=code).order_by("at", "id")
        return list(rows.values_list("outcome", "object_id", "actor_id"))


def assert_two(code: str, pk, actor, first: str = "done", second: str = "refused") -> None:
    """Two entries of one object by one actor: the first and the second try."""
    assert entries(code) == [(first, str(pk), actor.pk), (second, str(pk), actor.pk)], code


def outcomes(code: str) -> list[str]:
    return [outcome for outcome, _, _ in entries(code)]


def call(agency, service: Callable[..., Any], /, **kwargs) -> Any:
    """The service in the agency's scope, as its page calls it; a refusal (or a failure) is
    returned, not raised, so the test reads the entry it left, which says which it was."""
    with tenant_db.agency_scope(agency.pk):
        try:
            return service(**kwargs)
        except Exception as exc:
            return exc


def twice(agency, service: Callable[..., Any], /, **kwargs) -> Any:
    """The same write tried again at once, as a second click would: the second is refused
    (decided already, sent already...). The first's result."""
    first = call(agency, service, **kwargs)
    call(agency, service, **kwargs)
    return first
