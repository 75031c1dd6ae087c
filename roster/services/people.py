from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction

from agencies.choices import Role, StatusFlag
from agencies.models import Agency, Membership, User
from agencies.selectors import members_who_may
from roster import dates
from roster.choices import PeerStatus
from roster.models import Peer, PeerStatusChange, Person
from roster.versions import roster_changed
from security.audit import audited

# Peers in these statuses are taken off call-outs when a disqualifying flag appears.
_ON_TEAM = {PeerStatus.ACTIVE, PeerStatus.IN_TRAINING}


@audited("roster:person", on="person", new="roster:person_new")
def save_person(*, person: Person, actor: User | None, previous_flags: set[str]) -> Person:
    """Save a directory entry; a newly gained disqualifying flag takes the peer off call-outs."""
    person.full_clean()
    if person.hire_date is not None:
        dates.HIRE_DATE.check(person.hire_date, field="hire_date")
    with transaction.atomic():
        # The hire date as saved before, if the entry existed: a change dates the officer again.
        hired_before = list(Person.objects.filter(pk=person.pk).values_list("hire_date", flat=True))
        person.save()
        roster_changed(person.agency_id)
        apply_flag_changes(agency=person.agency, changes=[(person, previous_flags)], actor=actor)
        rehired = [person.pk] if hired_before and hired_before[0] != person.hire_date else []
        due_dates_follow(person.agency, new_hire_dates=rehired)
    return person


def due_dates_follow(agency: Agency, *, new_hire_dates: list[int]) -> None:
    """A directory change gives a new officer a due date and dates again one whose hire date
    changed, here and not when a page is read (checkins/services/due.py)."""
    from checkins.services.due import directory_changed

    directory_changed(agency=agency, new_hire_dates=new_hire_dates)


def apply_flag_changes(
    *, agency: Agency, changes: list[tuple[Person, set[str]]], actor: User | None
) -> list[Peer]:
    """For each person whose flags changed, suspend their peer from call-outs when a flag the
    policy disqualifies on appeared. Clearing a flag restores nothing: the coordinator decides."""
    policy = agency.policy
    disqualifying = policy.callout_blocking_flags()
    labels = dict(StatusFlag.choices)
    gained_by_person = {
        person.pk: sorted((set(person.flags()) - previous) & disqualifying)
        for person, previous in changes
    }
    gained_by_person = {pk: flags for pk, flags in gained_by_person.items() if flags}
    left = [p for p, _ in changes if not p.employed]
    suspended: list[Peer] = []
    peers = (
        Peer.objects.for_agency(agency)
        .filter(
            person_id__in=[*gained_by_person, *(p.pk for p in left)],
            status__in=_ON_TEAM,
            callouts_suspended=False,
        )
        .select_related("person")
    )
    for peer in peers:
        flags = gained_by_person.get(peer.person_id, [])
        reason = "; ".join(labels[f] for f in flags) or "No longer employed"
        peer.callouts_suspended = True
        peer.suspended_reason = reason[:200]
        peer.save(update_fields=["callouts_suspended", "suspended_reason"])
        PeerStatusChange.objects.create(
            agency=agency,
            peer=peer,
            from_status=peer.status,
            to_status=peer.status,
            event="Taken off call-outs",
            reason=reason,
            actor=actor,
        )
        suspended.append(peer)
    if suspended:
        roster_changed(agency.pk)
        transaction.on_commit(lambda: _tell_coordinators(agency, suspended))
    return suspended


def _tell_coordinators(agency: Agency, peers: list[Peer]) -> None:
    emails = list(
        members_who_may(agency=agency, action="activation.coordinate")
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    if not emails:
        return
    count = len(peers)
    names = ", ".join(p.person.full_name for p in peers)
    send_mail(
        subject=f"{count} {agency.policy.peer_title} taken off call-outs",
        message=(
            f"{names} {'was' if count == 1 else 'were'} taken off call-outs because their "
            f"directory record changed. Review on the roster page; nobody is restored "
            f"automatically.\n\n{settings.SITE_URL}/{agency.slug}/roster/"
        ),
        from_email=None,
        recipient_list=emails,
    )


def ensure_account(*, person: Person) -> User:
    """The sign-in account of a directory entry, made on first use, with the roles the roster
    gives: every member is an officer; an active peer is also a peer."""
    if not person.email:
        raise ValidationError("This person has no email address in the directory.")
    with transaction.atomic():
        user = person.user
        if user is None:
            user = User.objects.filter(email__iexact=person.email).first() or User(
                username=_free_username(person.email),
                email=person.email.lower(),
                first_name=person.first_name,
                last_name=person.last_name,
            )
            if user.pk is None:
                user.set_unusable_password()
                user.save()
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        Membership.objects.get_or_create(user=user, agency=person.agency, role=Role.OFFICER)
        peer = Peer.objects.filter(person=person).first()
        if peer and peer.status == PeerStatus.ACTIVE:
            Membership.objects.get_or_create(user=user, agency=person.agency, role=Role.PEER)
    return user


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def sync_peer_role(*, peer: Peer) -> None:
    """An active peer with an account holds the peer role; anyone else on the team does not."""
    user = peer.person.user
    if user is None:
        return
    if peer.status == PeerStatus.ACTIVE:
        Membership.objects.get_or_create(user=user, agency=peer.agency, role=Role.PEER)
    else:
        Membership.objects.for_agency(peer.agency).filter(user=user, role=Role.PEER).delete()
