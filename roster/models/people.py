from django.conf import settings
from django.db import models

from agencies.choices import MemberClass, StatusFlag
from agencies.models import TenantModel

FLAG_FIELDS = list(StatusFlag.values)


class Person(TenantModel):
    """Everyone in the agency's personnel directory: who can be served or must check in."""

    employee_number = models.CharField(max_length=30)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    rank = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=80, blank=True, help_text="Unit or station.")
    member_class = models.CharField(
        max_length=20, choices=MemberClass.choices, default=MemberClass.SWORN
    )
    hire_date = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    commanding_officer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The status flags eligibility reads; their names are the StatusFlag codes.
    probationary = models.BooleanField(default=False)
    improvement_plan = models.BooleanField(default=False)
    administrative_leave = models.BooleanField(default=False)
    post_suspension = models.BooleanField(default=False)
    criminal_investigation = models.BooleanField(default=False)
    pending_discipline = models.BooleanField(default=False)
    employed = models.BooleanField(default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text="The sign-in account made from this directory entry.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "employee_number"], name="person_unique_employee_number"
            ),
            models.UniqueConstraint(fields=["agency", "user"], name="person_unique_user"),
        ]
        indexes = [
            models.Index(fields=["agency", "email"]),
            models.Index(fields=["agency", "unit"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def flags(self) -> list[str]:
        return [name for name in FLAG_FIELDS if getattr(self, name)]


class DirectoryImport(TenantModel):
    """A CSV upload waiting for the coordinator to confirm its preview."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    filename = models.CharField(max_length=200)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class SignInLink(models.Model):
    """A one-time sign-in link: only the hash of its token is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sign-in link of user {self.user_id}"
