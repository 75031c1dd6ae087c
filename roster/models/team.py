from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from agencies.models import TeamRole, TenantModel, TenantQuerySet
from roster.choices import Decision, PeerStatus

from .people import Person


def away(now: datetime) -> Q:
    """The one rule of a peer being away: they said they are unavailable until after `now`.
    Spelled out for NULL, so that "no date" reads False, not unknown, in SQL too."""
    return Q(unavailable_until__isnull=False, unavailable_until__gt=now)


class PeerQuerySet(TenantQuerySet):
    def reachable(self, policy) -> "PeerQuerySet":
        """Active peers who may be called now: not taken off call-outs, still employed, and with
        none of the flags the agency's policy disqualifies on."""
        qs = self.filter(status=PeerStatus.ACTIVE, callouts_suspended=False, person__employed=True)
        for flag in sorted(policy.callout_blocking_flags()):
            qs = qs.filter(**{f"person__{flag}": False})
        return qs

    def with_on_call(self, now: datetime) -> "PeerQuerySet":
        """Each peer's `on_call` (a shift holds `now`, by OnCallShift's one rule) and `away`
        (they said they are unavailable until after `now`): the lookup, the roster and the
        call-out candidates read these instead of deciding again."""
        from .oncall import OnCallShift  # oncall.py imports this module for its foreign key

        return self.annotate(
            on_call=Exists(OnCallShift.objects.on_call_at(now).filter(peer=OuterRef("pk"))),
            away=ExpressionWrapper(away(now), output_field=BooleanField()),
        )


class Peer(TenantModel):
    """A person's place on the peer support team, from application to leaving."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="peer")
    status = models.CharField(
        max_length=20, choices=PeerStatus.choices, default=PeerStatus.APPLICANT
    )
    team_role = models.ForeignKey(TeamRole, null=True, blank=True, on_delete=models.SET_NULL)
    station = models.CharField(max_length=80, blank=True, help_text="For a team leader.")
    agreement_signed_on = models.DateField(null=True, blank=True)
    agreement_kept_by = models.CharField(max_length=120, blank=True)
    active_since = models.DateField(null=True, blank=True)
    callouts_suspended = models.BooleanField(default=False)
    suspended_reason = models.CharField(max_length=200, blank=True)
    unavailable_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PeerQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return str(self.person)

    def is_away(self, now: datetime) -> bool:
        """`away`, for a peer already read."""
        return self.unavailable_until is not None and self.unavailable_until > now


class PeerStatusChange(TenantModel):
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=PeerStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PeerStatus.choices, blank=True)
    event = models.CharField(max_length=200, help_text="What happened, in plain words.")
    reason = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]


class Application(TenantModel):
    """A request to join the team, taken through the agency's own steps."""

    peer = models.OneToOneField(Peer, on_delete=models.CASCADE, related_name="application")
    submitted_on = models.DateField()
    letter_received = models.BooleanField(default=False)
    recommended_by = models.CharField(
        max_length=120, blank=True, help_text="Who recommended it through the chain of command."
    )
    interview_on = models.DateField(null=True, blank=True)
    interview_passed = models.BooleanField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_as = models.CharField(max_length=120, blank=True)


class TrainingRecord(TenantModel):
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="trainings")
    date = models.DateField()
    topic = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["peer", "date"])]


class TrainingMemo(TenantModel):
    """A memo excusing a missed training, for the committee to approve (KCPD IV.E.3.f)."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="memos")
    missed_on = models.DateField(help_text="The training that was missed.")
    submitted_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-missed_on"]
