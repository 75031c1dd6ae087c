"""Writes for agencies, their policies, memberships and resources."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from security import audit
from security.audit import audited

from . import clock, role_rules
from .choices import Role
from .models import Agency, Membership, Partnership, Policy, Resource, User
from .policy_io import LIST_MODELS, PolicyDocumentError, validate_document
from .presets import get_preset


def _changed_note(agency: Agency, how: str) -> str:
    return f"Set by the agency ({how}, {clock.today(agency).isoformat()})"


@transaction.atomic
def create_agency(*, slug: str, name: str, preset_key: str, time_zone: str = "") -> Agency:
    """A new agency with its policy, lists and resources copied from a preset."""
    preset = get_preset(preset_key)
    agency = Agency(slug=slug, name=name, preset=preset.key)
    if time_zone:
        agency.time_zone = time_zone
    agency.full_clean()
    agency.save()
    Policy.objects.create(agency=agency, **_scalars(preset.policy), sources={})
    apply_policy_document(agency=agency, data=preset.policy, how="preset", sources=preset.sources)
    return Agency.objects.select_related("policy").get(pk=agency.pk)


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in Policy._meta.concrete_fields}
    return {k: v for k, v in data.items() if k in names and k not in {"id", "agency", "sources"}}


@transaction.atomic
def apply_policy_document(
    *, agency: Agency, data: Any, how: str = "import", sources: dict[str, str] | None = None
) -> Policy:
    """Validate the whole document, then write it; on any error nothing changes."""
    doc = validate_document(agency, data)
    policy = Policy.objects.select_for_update().get(agency=agency)
    new_sources = dict(policy.sources)
    note = _changed_note(agency, how)
    for key, value in doc.policy_values.items():
        if getattr(policy, key) != value:
            new_sources[key] = note
        setattr(policy, key, value)
    for key, items in doc.lists.items():
        if _replace_list(agency=agency, model=LIST_MODELS[key], items=items):
            new_sources[key] = note
    if doc.resources is not None:
        Resource.objects.for_agency(agency).delete()
        Resource.objects.bulk_create(
            Resource(agency=agency, position=i, **item) for i, item in enumerate(doc.resources)
        )
    new_sources.update(doc.sources or {})
    # A preset brings its own notes for every point; they replace the computed ones.
    policy.sources = dict(sources) if sources is not None else new_sources
    policy.save()
    _due_dates_follow(policy)
    return policy


def _replace_list(*, agency: Agency, model: type[models.Model], items: list[dict]) -> bool:
    """Upsert by code; codes left out are retired, not deleted, so old records keep their
    meaning. Returns whether anything changed."""
    existing = {obj.code: obj for obj in model.objects.for_agency(agency)}
    changed = False
    for position, item in enumerate(items):
        obj = existing.pop(item["code"], None) or model(agency=agency)
        before = {k: getattr(obj, k, None) for k in item} | {
            "position": obj.position if obj.pk else None,
            "active": obj.active if obj.pk else None,
        }
        for key, value in item.items():
            setattr(obj, key, value)
        obj.position = position
        obj.active = True
        after = {k: getattr(obj, k) for k in item} | {"position": position, "active": True}
        if before != after:
            obj.save()
            changed = True
    retired = [obj.pk for obj in existing.values() if obj.active]
    if retired:
        model.objects.filter(pk__in=retired).update(active=False)
        changed = True
    return changed


@audited("agencies:settings", agency="policy.agency")
def save_policy(*, policy: Policy, changed_fields: list[str], actor: User | None) -> Policy:
    """Save a policy edited on the settings page, noting which points the agency changed."""
    policy.full_clean()
    note = _changed_note(policy.agency, "settings page")
    policy.sources = {**policy.sources, **{name: note for name in changed_fields}}
    policy.save()
    _due_dates_follow(policy)
    return policy


def _due_dates_follow(policy: Policy) -> None:
    """A changed check-in interval moves the due dates, here and not in a signal."""
    from checkins.services.due import policy_saved

    agency = policy.agency
    agency.policy = policy  # the saved values, not a copy read before the save
    policy_saved(agency=agency)


@audited("agencies:settings_list", refused=(PolicyDocumentError,))
def save_settings_list(*, agency: Agency, key: str, items: list[dict], actor: User) -> Policy:
    """One list of the settings page (incident types, say), written whole or not at all."""
    return apply_policy_document(agency=agency, data={key: items}, how="settings page")


def note_list_changed(*, agency: Agency, key: str) -> None:
    policy = Policy.objects.get(agency=agency)
    policy.sources = {**policy.sources, key: _changed_note(agency, "settings page")}
    policy.save(update_fields=["sources", "updated_at"])


def grant_role(
    *, user: User, agency: Agency, role: str, actor: User | None = None, override_reason: str = ""
) -> Membership:
    """The role, once; a role already held is left as it is. Where the policy says who may hold
    it (agencies/role_rules.py), anyone else is refused with the section, unless `actor` gives
    an `override_reason`."""
    if role not in Role.values:
        raise ValidationError({"role": f'Unknown role "{role}".'})
    held = Membership.objects.for_agency(agency).filter(user=user, role=role).first()
    if held:
        return held
    return save_membership(
        membership=Membership(user=user, agency=agency, role=role),
        actor=actor,
        override_reason=override_reason,
    )


@transaction.atomic
def save_membership(
    *, membership: Membership, actor: User | None, override_reason: str = ""
) -> Membership:
    """A new or changed role (the Django admin's rows, grant_role). Granting a role to someone
    the policy's rule refuses needs a reason, kept on the membership with who gave it, and the
    grant is audited as that exception."""
    reason = override_reason.strip()
    refusal = role_rules.membership_refusal(membership)
    if refusal and not reason:
        raise ValidationError({"role": f"{refusal} {role_rules.OVERRIDE_HINT}"})
    if refusal and actor is None:
        raise ValidationError({"override_reason": "An exception to the policy names who makes it."})
    granted = role_rules.is_new_grant(membership)
    if granted:
        # A reason is kept only where it made an exception.
        membership.override_reason = reason if refusal else ""
        membership.override_by = actor if refusal else None
    membership.full_clean()
    membership.save()
    if granted:
        audit.record(
            action="role rule overridden" if refusal else "role granted",
            agency=membership.agency,
            actor=actor,
            object_id=membership.pk,
        )
    return membership


@transaction.atomic
def revoke_role(*, membership: Membership, actor: User | None) -> None:
    audit.record(
        action="role revoked", agency=membership.agency, actor=actor, object_id=membership.pk
    )
    membership.delete()


@audited("agencies:resource_edit", on="resource", new="agencies:resource_new")
def save_resource(*, resource: Resource, actor: User) -> Resource:
    resource.full_clean()
    if resource.pk is None:
        last = Resource.objects.for_agency(resource.agency).aggregate(m=models.Max("position"))
        resource.position = (last["m"] or 0) + 1
    resource.save()
    return resource


@audited("agencies:resource_delete", on="resource")
def delete_resource(*, resource: Resource, actor: User) -> None:
    resource.delete()


__all__ = [
    "PolicyDocumentError",
    "answer_partnership",
    "apply_policy_document",
    "create_agency",
    "delete_resource",
    "grant_role",
    "note_list_changed",
    "propose_partnership",
    "revoke_role",
    "save_membership",
    "save_policy",
    "save_resource",
    "save_settings_list",
]


@audited("agencies:partners")
def propose_partnership(*, agency: Agency, partner_slug: str, actor: User) -> Partnership:
    partner = Agency.objects.filter(slug=partner_slug.strip().lower()).first()
    if partner is None or partner.pk == agency.pk:
        raise ValidationError({"partner": "No other agency has that short name."})
    existing = Partnership.objects.filter(
        models.Q(proposer=agency, partner=partner) | models.Q(proposer=partner, partner=agency)
    ).first()
    if existing:
        raise ValidationError({"partner": f"You already have a partnership with {partner.name}."})
    return Partnership.objects.create(proposer=agency, partner=partner)


@audited("agencies:partner_answer", on="partnership_id")
def answer_partnership(*, agency: Agency, partnership_id: int, accept: bool, actor: User) -> None:
    """The invited agency's admin accepts or declines; either side may end it later."""
    partnership = Partnership.objects.filter(
        models.Q(partner=agency) | models.Q(proposer=agency), pk=partnership_id
    ).first()
    if partnership is None:
        raise ValidationError("No such partnership.")
    if accept:
        if partnership.partner_id != agency.pk or partnership.accepted_at:
            raise ValidationError("Only the invited agency can accept, once.")
        partnership.accepted_at = timezone.now()
        partnership.save(update_fields=["accepted_at"])
    else:
        partnership.delete()
