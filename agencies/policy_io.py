"""The policy as a JSON document: what `export_policy` prints and `import_policy` reads.

Validation is all-or-nothing: every problem is collected, named by its field (`incident_types[2].
code`), and nothing is written unless the whole document is clean."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .models import Agency, IncidentType, InterventionType, Policy, Resource, TeamRole

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
            for item in model.objects.for_agency(agency).filter(active=True)
        ]
    data["resources"] = [
        {name: getattr(r, name) for name in RESOURCE_FIELDS}
        for r in Resource.objects.for_agency(agency)
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
) -> None:
    allowed = {f.name for f in fields}
    for key in data:
        if key not in allowed:
            errors.setdefault(f"{prefix}{key}", []).append("Unknown field.")
    for f in fields:
        if f.name in data:
            problem = _type_error(f, data[f.name])
            if problem:
                errors.setdefault(f"{prefix}{f.name}", []).append(problem)


def validate_document(agency: Agency, data: Any, *, partial: bool = True) -> CleanDocument:
    """Check a whole document against the current policy; raise PolicyDocumentError."""
    if not isinstance(data, dict):
        raise PolicyDocumentError({"(document)": ["Must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    doc = CleanDocument()
    top_level = {f.name for f in POLICY_FIELDS} | set(LIST_MODELS) | {"resources", "sources"}
    for key in data:
        if key not in top_level:
            errors.setdefault(key, []).append("Unknown field.")
    if not partial:
        for name in top_level - {"sources", "resources"}:
            if name not in data:
                errors.setdefault(name, []).append("Missing.")

    scalars = {k: v for k, v in data.items() if k in {f.name for f in POLICY_FIELDS}}
    _check_fields(scalars, POLICY_FIELDS, "", errors)
    if not errors:
        current = Policy.objects.filter(agency=agency).first() or Policy(agency=agency)
        for key, value in scalars.items():
            setattr(current, key, value)
        try:
            current.full_clean(exclude=["agency"])
        except ValidationError as exc:
            _collect(errors, "", exc)
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
            before = len(errors)
            _check_fields(item, fields, f"{path}.", errors)
            if len(errors) > before:
                continue
            instance = model(agency=agency, **item)
            try:
                instance.full_clean(exclude=["agency"], validate_unique=False)
            except ValidationError as exc:
                _collect(errors, path, exc)
            code = item.get("code")
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
                unknown = set(item) - set(RESOURCE_FIELDS)
                for key in sorted(unknown):
                    errors.setdefault(f"{path}.{key}", []).append("Unknown field.")
                if unknown or not all(isinstance(v, str) for v in item.values()):
                    if not unknown:
                        errors.setdefault(path, []).append("Every value must be text.")
                    continue
                try:
                    Resource(agency=agency, **item).full_clean(exclude=["agency"])
                except ValidationError as exc:
                    _collect(errors, path, exc)
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
