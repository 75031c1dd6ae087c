from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q

from agencies.models import TenantModel, TenantQuerySet

from .team import Peer


def overlap(starts: datetime, ends: datetime) -> Q:
    """The one rule of two spans overlapping: they share some time; one that ends as the other
    begins does not."""
    return Q(starts_at__lt=ends, ends_at__gt=starts)


def holds(moment: datetime) -> Q:
    """The one rule of "on call": a shift holds its start minute and not its end one, so at a
    handover only the incoming peer is on call."""
    return Q(starts_at__lte=moment, ends_at__gt=moment)


class OnCallShiftQuerySet(TenantQuerySet):
    def on_call_at(self, moment: datetime) -> "OnCallShiftQuerySet":
        return self.filter(holds(moment))

    def with_current(self, now: datetime) -> "OnCallShiftQuerySet":
        """Each shift's `current`: it holds `now`, for the schedule page to mark."""
        return self.annotate(current=ExpressionWrapper(holds(now), output_field=BooleanField()))

    def overlapping(self, starts: datetime, ends: datetime) -> "OnCallShiftQuerySet":
        return self.filter(overlap(starts, ends))

    def not_over(self, moment: datetime) -> "OnCallShiftQuerySet":
        return self.filter(ends_at__gt=moment)


class OnCallShift(TenantModel):
    """A stretch of time a peer is on call; stored in UTC, entered in the agency's time zone."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = OnCallShiftQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["agency", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def overlaps(self, other: "OnCallShift") -> bool:
        """`overlap`, for two shifts already read."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at
