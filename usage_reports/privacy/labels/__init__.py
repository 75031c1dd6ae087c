"""The one place where every stored field is described in plain words, for the privacy page.

By subject: people (accounts, the directory, the team, activations, usage forms, check-ins),
program (settings and providers), platform (security records, the outbox, installed apps'
machinery). COMMON covers the few fields every table has. A test fails when a field of any
installed model has no label here."""

from . import people, platform, program

COMMON = {
    "id": "A reference number",
    "agency": "Which agency",
    "created_at": "When it was made",
    "updated_at": "When it last changed",
}

LABELS: dict[str, dict[str, str]] = {**people.LABELS, **program.LABELS, **platform.LABELS}


def label(model_label: str, field_name: str) -> str | None:
    return LABELS.get(model_label, {}).get(field_name) or COMMON.get(field_name)
