from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from agencies.choices import Role
from agencies.validators import validate_agency_slug, validate_time_zone


class User(AbstractUser):
    """A person who signs in. What they may do lives on their memberships, per agency."""

    class Meta:
        db_table = "agencies_user"


class Agency(models.Model):
    slug = models.SlugField(
        max_length=40,
        unique=True,
        validators=[validate_agency_slug],
        help_text="Short name used in every address, e.g. kcpd.",
    )
    name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_time_zone]
    )
    preset = models.CharField(
        max_length=40, blank=True, help_text="The policy preset this agency started from."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantQuerySet(models.QuerySet):
    """The one way in to tenant-owned rows: every read names its agency."""

    def for_agency(self, agency: Agency) -> "TenantQuerySet":
        return self.filter(agency=agency)


class TenantModel(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Membership(TenantModel):
    """One role of one user in one agency; a user holds as many rows as roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # A role granted although the policy's rule for it refuses the person (agencies/role_rules):
    # the platform admin's reason and who gave it, kept with the grant (and audited).
    override_reason = models.CharField(
        "exception to the policy's rule, why", max_length=500, blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="exception made by",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} at agency {self.agency_id}"


class Partnership(models.Model):
    """Two agencies that may ask each other for peers. Both admins must agree."""

    proposer = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposer", "partner"], name="partnership_once")
        ]

    def __str__(self) -> str:
        return f"Partnership {self.pk}"
