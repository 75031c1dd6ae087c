"""What the product stores, read from the models themselves, for the privacy page.

Every installed model (the project's and every installed app's), and the files the embedded
default writes, is a store in stores.py: whom it is about, who can read it, how long it is kept.
Every field has a label in plain words in labels/. The fields shown are read from the model at
runtime, so the page cannot drift from what is stored; a test fails when a model is added
without being classified or a field without a label."""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models

from agencies.choices import Role, StatusFlag
from agencies.permissions import ALL_ROLES, MEMBERS, roles_for
from security.retention import PERIODS

from . import labels
from .stores import GROUPS, STORES, YOU, Store

STORE_BY_KEY = {s.key: s for s in STORES}
FLAGS = set(StatusFlag.values)


def installed_models() -> list[type[models.Model]]:
    """Every model with a table of its own, of every installed app (many-to-many tables are
    their model's fields)."""
    return [m for m in apps.get_models() if not m._meta.auto_created and not m._meta.proxy]


def unclassified() -> list[str]:
    return sorted(m._meta.label for m in installed_models() if m._meta.label not in STORE_BY_KEY)


def stored_fields(model) -> list[models.Field]:
    return [*model._meta.concrete_fields, *model._meta.local_many_to_many]


def unlabelled() -> list[str]:
    """Fields of any installed model with no plain-words label (a model's automatic verbose
    name, "recipient id", does not count)."""
    return sorted(
        f"{m._meta.label}.{f.name}"
        for m in installed_models()
        for f in stored_fields(m)
        if not labels.label(m._meta.label, f.name)
    )


def stale_labels() -> list[str]:
    """Labels for fields that no longer exist."""
    found = []
    for key, fields in labels.LABELS.items():
        if key.startswith("file:"):
            continue
        try:
            model = apps.get_model(key)
        except LookupError:
            found.append(key)
            continue
        names = {f.name for f in stored_fields(model)}
        found += [f"{key}.{name}" for name in fields if name not in names]
    return sorted(found)


def role_names(policy) -> dict[str, str]:
    """Each role as this agency calls it."""
    return {
        Role.ADMIN: "the agency administrator",
        Role.COORDINATOR: f"the {policy.lead_title}",
        Role.PEER: policy.peer_title_plural,
        Role.OFFICER: "officers",
        Role.PROVIDER: f"the {policy.provider_title}",
        Role.COMMAND: policy.command_title,
    }


# Actions that let a user read only their own rows: they add "you", not every holder of the role.
OWN_ROWS_ONLY = {"checkins.mine", "peer.self"}


def readers(store: Store, policy) -> list[str]:
    """Who can read the store: the roles its actions let in, then the other readers."""
    others = [code for code in store.read_by if code not in OWN_ROWS_ONLY]
    roles = set().union(*(roles_for(code, policy) for code in others))
    names = role_names(policy)
    found = []
    if roles >= ALL_ROLES:
        found.append("Everyone who signs in to this agency.")
    elif roles >= MEMBERS:
        found.append("Every member of the department.")
    elif roles:
        listed = ", ".join(names[r] for r in sorted(roles, key=Role.values.index))
        found.append(listed[:1].upper() + listed[1:] + ".")
    if OWN_ROWS_ONLY & set(store.read_by) and YOU not in store.also:
        found.append(YOU)
    found += store.also
    if not store.key.startswith("file:") and apps.get_model(store.key) in admin.site._registry:
        found.append("The platform administrator, on the administration pages.")
    return found


def kept(store: Store) -> str:
    return PERIODS[store.kept_for].describe() if store.kept_for else store.kept


@dataclass
class Field:
    label: str
    note: str = ""


@dataclass
class Entry:
    key: str
    title: str
    purpose: str
    readers: list[str]
    kept: str
    fields: list[Field]
    notes: list[str] = field(default_factory=list)


@dataclass
class Group:
    key: str
    heading: str
    entries: list[Entry]


def _title(store: Store) -> str:
    if store.title:
        return store.title
    return str(apps.get_model(store.key)._meta.verbose_name_plural).capitalize()


def _fields(store: Store) -> list[Field]:
    if store.key.startswith("file:"):
        return [Field(text) for text in labels.LABELS[store.key].values()]
    model = apps.get_model(store.key)
    skip = {"id", "agency"}
    return [
        Field(labels.label(store.key, f.name) or f.name)
        for f in stored_fields(model)
        if f.name not in skip
    ]


def _status_flags(entry: Entry, policy) -> None:
    """The directory's status flags, only where this agency's policy reads them, and who reads
    them and why; the others are named once as unused."""
    used = policy.callout_blocking_flags()
    source = policy.sources.get("disqualifying_flags", "")
    reason = f"Read by the {policy.lead_title}, to decide eligibility for the team under the "
    reason += "agency's policy" + (f" ({source})" if source else "") + "."
    kept_fields, unused = [], []
    model = apps.get_model("roster.Person")
    for f in stored_fields(model):
        if f.name not in FLAGS:
            continue
        label = labels.label("roster.Person", f.name)
        if f.name not in used:
            unused.append(label.removesuffix(" (yes or no)").lower())
        elif f.name in policy.disqualifying_flags:
            kept_fields.append(Field(label, reason))
        else:
            kept_fields.append(
                Field(label, "Read by the product to keep the member off call-outs while on leave.")
            )
    flag_labels = {labels.label("roster.Person", name) for name in FLAGS}
    entry.fields = [f for f in entry.fields if f.label not in flag_labels] + kept_fields
    if unused:
        entry.notes.append(
            "The directory also has room for: " + "; ".join(unused) + ". This agency's policy "
            "does not use them, and nothing in the product reads them."
        )


def files_in_use() -> bool:
    from notifications.retention import delivered_file_folders

    return bool(delivered_file_folders())


def entry(store: Store, policy) -> Entry:
    found = Entry(
        store.key, _title(store), store.purpose, readers(store, policy), kept(store),
        _fields(store),
    )  # fmt: skip
    if store.key == "roster.Person":
        _status_flags(found, policy)
    if store.key.startswith("file:"):
        found.notes.append(
            "This server writes them."
            if files_in_use()
            else "This server sends through a mail or text service, so it writes none."
        )
    return found


def groups(policy) -> list[Group]:
    found = []
    for key, heading in GROUPS:
        entries = [entry(s, policy) for s in STORES if s.group == key]
        found.append(Group(key, heading.format(peers=policy.peer_title_plural.lower()), entries))
    return found


def actions_recorded() -> list[Entry]:
    """Where the product keeps the name of the user who did something: the fields pointing at
    an account, model by model."""
    found = []
    for model in installed_models():
        key = model._meta.label
        if key in {"agencies.Membership", "roster.Person"}:
            continue
        fields = [
            Field(labels.label(key, f.name) or f.name)
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
            and f.related_model._meta.label == settings.AUTH_USER_MODEL
        ]
        if fields and key in STORE_BY_KEY:
            found.append(Entry(key, _title(STORE_BY_KEY[key]), "", [], "", fields))
    return found


def usage_form_fields() -> list[str]:
    return [f.label for f in _fields(STORE_BY_KEY["usage_reports.UsageReport"])]


def outreach_fields() -> list[str]:
    return [f.label for f in _fields(STORE_BY_KEY["activations.OutreachCount"])]
