from django.conf import settings
from django.db import models

from agencies.models import TenantModel

from .team import Peer


class OnCallShift(TenantModel):
    """A stretch of time a peer is on call; stored in UTC, entered in the agency's time zone."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["agency", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]
