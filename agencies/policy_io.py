"""The policy as a JSON document: what `export_policy` prints and `import_policy` reads.

Validation is all-or-nothing and in one pass: every problem of the document (an unknown key, a
type, a range, a choice, a list entry) is collected at once, named by its path (`incident_types[2].
code`), and nothing is written unless the whole document is clean."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .models import Agency, IncidentType, InterventionType, Policy, Resource, TeamRole
from .selectors import active_entries, resources_for

# Fields of Policy that are not part of the document.
_INTERNAL = {"id", "agency", "sources", "updated_at"}

POLICY_FIELDS: list[models.Field] = [
    f for f in Policy._meta.concrete_fields if f.name not in _INTERNAL
]

LIST_MODELS: dict[str, type[models.Model]] = {
    "incident_types": IncidentType,
    "intervention_types": InterventionType,
    "team_roles": TeamRole,
}
_LIST_ITEM_INTERNAL = {"id", "agency", "position", "active"}


def list_item_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _LIST_ITEM_INTERNAL]


RESOURCE_FIELDS = ["kind", "name", "phone", "url", "description"]


class PolicyDocumentError(Exception):
    """The document was refused; `errors` maps a field path to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(self.summary())

    def summary(self) -> str:
        return "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in sorted(self.errors.items()))


@dataclass
class CleanDocument:
    policy_values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    resources: list[dict[str, Any]] | None = None
    sources: dict[str, str] | None = None


def policy_to_dict(policy: Policy, *, with_sources: bool = True) -> dict[str, Any]:
    agency = policy.agency
    data: dict[str, Any] = {f.name: getattr(policy, f.name) for f in POLICY_FIELDS}
    for key, model in LIST_MODELS.items():
        data[key] = [
            {f.name: getattr(item, f.name) for f in list_item_fields(model)}
            for item in active_entries(agency=agency, model=model)
        ]
    data["resources"] = [
        {name: getattr(r, name) for name in RESOURCE_FIELDS} for r in resources_for(agency=agency)
    ]
    if with_sources:
        data["sources"] = dict(policy.sources)
    return data


def _type_error(f: models.Field, value: Any) -> str | None:
    """JSON types are checked strictly: "3" is not a number and "yes" is not true."""
    if value is None:
        return None if f.null else "May not be empty."
    if isinstance(f, models.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(f, models.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "Must be a whole number."
    if isinstance(f, models.JSONField):
        return None if isinstance(value, list) else "Must be a list."
    if isinstance(f, models.CharField | models.TextField):
        return None if isinstance(value, str) else "Must be text."
    return None


def _collect(errors: dict[str, list[str]], prefix: str, exc: ValidationError) -> None:
    for name, messages in exc.message_dict.items():
        path = prefix if name == "__all__" else (f"{prefix}.{name}" if prefix else name)
        errors.setdefault(path, []).extend(messages)


def _check_fields(
    data: dict[str, Any], fields: list[models.Field], prefix: str, errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Unknown keys and type errors, each named by its path; returns the well-typed values,
    which the model's own validation (ranges, choices, formats) then checks in the same pass."""
    by_name = {f.name: f for f in fields}
    typed: dict[str, Any] = {}
    for key, value in data.items():
        f = by_name.get(key)
        if f is None:
            errors.setdefault(f"{prefix}{key}", []).append("Unknown field.")
            continue
        problem = _type_error(f, value)
        if problem:
            errors.setdefault(f"{prefix}{key}", []).append(problem)
        else:
            typed[key] = value
    return typed


def _model_errors(
    instance: models.Model,
    *,
    mistyped: set[str],
    prefix: str,
    errors: dict[str, list[str]],
    validate_unique: bool = True,
) -> None:
    """The model's validation of the well-typed values; a field that already has a type error
    is left out (its message says what is wrong), and so is a cross-field message about it."""
    try:
        instance.full_clean(exclude=["agency", *sorted(mistyped)], validate_unique=validate_unique)
    except ValidationError as exc:
        kept = {name: msgs for name, msgs in exc.message_dict.items() if name not in mistyped}
        if kept:
            _collect(errors, prefix, ValidationError(kept))


def validate_document(agency: Agency, data: Any, *, partial: bool = True) -> CleanDocument:
    """Check a whole document against the current policy, in one pass: every unknown key, type,
    range, choice and list error at once, each named by its path; raise PolicyDocumentError."""
    if not isinstance(data, dict):
        raise PolicyDocumentError({"(document)": ["Must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    doc = CleanDocument()
    scalar_names = {f.name for f in POLICY_FIELDS}
    top_level = scalar_names | set(LIST_MODELS) | {"resources", "sources"}
    for key in data:
        if key not in top_level:
            errors.setdefault(key, []).append("Unknown field.")
    if not partial:
        for name in top_level - {"sources", "resources"}:
            if name not in data:
                errors.setdefault(name, []).append("Missing.")

    scalars = {k: v for k, v in data.items() if k in scalar_names}
    typed = _check_fields(scalars, POLICY_FIELDS, "", errors)
    current = Policy.objects.filter(agency=agency).first() or Policy(agency=agency)
    for key, value in typed.items():
        setattr(current, key, value)
    _model_errors(current, mistyped=set(scalars) - set(typed), prefix="", errors=errors)
    doc.policy_values = scalars

    for key, model in LIST_MODELS.items():
        if key not in data:
            continue
        items = data[key]
        if not isinstance(items, list):
            errors.setdefault(key, []).append("Must be a list.")
            continue
        seen: set[str] = set()
        fields = list_item_fields(model)
        for i, item in enumerate(items):
            path = f"{key}[{i}]"
            if not isinstance(item, dict):
                errors.setdefault(path, []).append("Must be an object.")
                continue
            good = _check_fields(item, fields, f"{path}.", errors)
            mistyped = {f.name for f in fields if f.name in item and f.name not in good}
            _model_errors(
                model(agency=agency, **good),
                mistyped=mistyped,
                prefix=path,
                errors=errors,
                validate_unique=False,
            )
            code = good.get("code")
            if isinstance(code, str):
                if code in seen:
                    errors.setdefault(f"{path}.code", []).append(f'"{code}" is listed twice.')
                seen.add(code)
        doc.lists[key] = items

    if "resources" in data:
        resources = data["resources"]
        if not isinstance(resources, list):
            errors.setdefault("resources", []).append("Must be a list.")
        else:
            for i, item in enumerate(resources):
                path = f"resources[{i}]"
                if not isinstance(item, dict):
                    errors.setdefault(path, []).append("Must be an object.")
                    continue
                good = {}
                for name, value in item.items():
                    if name not in RESOURCE_FIELDS:
                        errors.setdefault(f"{path}.{name}", []).append("Unknown field.")
                    elif not isinstance(value, str):
                        errors.setdefault(f"{path}.{name}", []).append("Must be text.")
                    else:
                        good[name] = value
                mistyped = {name for name in RESOURCE_FIELDS if name in item and name not in good}
                _model_errors(
                    Resource(agency=agency, **good), mistyped=mistyped, prefix=path, errors=errors
                )
            doc.resources = resources

    if "sources" in data:
        sources = data["sources"]
        if not isinstance(sources, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in sources.items()
        ):
            errors.setdefault("sources", []).append("Must map field names to text.")
        else:
            doc.sources = sources

    if errors:
        raise PolicyDocumentError(errors)
    return doc
