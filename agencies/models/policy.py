"""An agency's written policy, as the product acts on it.

Every point of MATRIX.md that changes what the app does has a field here; `sources` keeps, per
field, the section of the agency's own document it came from (filled by the preset, updated when
an admin changes the value)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from agencies.choices import (
    ApplicationMethod,
    Compensation,
    CompensationBasis,
    FieldUse,
    Rank,
    Role,
    StatusFlag,
    TeamRoleKind,
)
from agencies.validators import ChoiceListValidator, DayListValidator, TextListValidator

from .core import Agency, TenantModel

AREA_MAX_LENGTH = 80
MAX_AREAS = 20
UNIT_MAX_LENGTH = 80  # as roster.Person.unit


def _choice_list(path: str, help_text: str, blank: bool = True) -> models.JSONField:
    return models.JSONField(
        default=list, blank=blank, validators=[ChoiceListValidator(path)], help_text=help_text
    )


def _text_list(help_text: str) -> models.JSONField:
    return models.JSONField(
        default=list, blank=True, validators=[TextListValidator()], help_text=help_text
    )


def _field_use(help_text: str, default: str = FieldUse.REQUIRED) -> models.CharField:
    return models.CharField(
        max_length=10, choices=FieldUse.choices, default=default, help_text=help_text
    )


class Policy(models.Model):
    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="policy")

    # Names and titles, in the agency's own words.
    program_name = models.CharField(max_length=120)
    team_name = models.CharField(max_length=120, default="Peer Support Team")
    peer_title = models.CharField(max_length=80)
    peer_title_plural = models.CharField(max_length=80)
    peer_abbreviation = models.CharField(max_length=12, blank=True)
    lead_title = models.CharField(
        max_length=120, help_text="Who runs the program (the coordinator role)."
    )
    # Who may hold the coordinator role (agencies/role_rules.py refuses anyone else, unless a
    # platform admin gives a reason).
    lead_min_rank = models.CharField(
        max_length=20,
        choices=Rank.choices,
        blank=True,
        default="",
        help_text="The lowest rank, in the directory, of whoever holds the coordinator role; "
        "empty means any rank.",
    )
    lead_excluded_units = models.JSONField(
        default=list,
        blank=True,
        validators=[TextListValidator(max_length=UNIT_MAX_LENGTH)],
        help_text="Units whose members may not hold the coordinator role; an entry covers "
        "every directory unit with its words (Homicide covers Homicide Unit).",
    )
    command_title = models.CharField(max_length=120, default="Chief of Police")
    member_title = models.CharField(
        max_length=80, default="member", help_text="What the policy calls a department member."
    )
    provider_title = models.CharField(max_length=120, default="Program Service Provider")

    # Who may be served and whose sessions are covered by confidentiality.
    served_groups = _choice_list("ServedGroup", "Who may ask the team for support.", blank=False)
    covered_member_classes = _choice_list(
        "MemberClass", "Member classes whose sessions the confidentiality provisions protect."
    )

    # Joining, staying, leaving.
    application_method = models.CharField(
        max_length=30, choices=ApplicationMethod.choices, default=ApplicationMethod.LETTER
    )
    vacancies_announced = models.BooleanField(
        default=False, help_text="Vacancies on the team are announced agency-wide."
    )
    interview_required = models.BooleanField(default=True)
    application_decided_by = models.CharField(
        max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )
    application_decider_title = models.CharField(max_length=200, blank=True)
    min_years_of_service = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(40)]
    )
    disqualifying_flags = _choice_list(
        "StatusFlag", "A person with any of these flags cannot serve on the team."
    )
    eligible_member_classes = _choice_list(
        "MemberClass", "Member classes that may join the team; empty means any."
    )
    confidentiality_agreement_required = models.BooleanField(default=True)
    team_size_min = models.PositiveSmallIntegerField(null=True, blank=True)
    team_size_max = models.PositiveSmallIntegerField(null=True, blank=True)
    trainings_per_year = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(12)],
        help_text="Required team trainings a year; 0 means ongoing training with no set cadence.",
    )
    training_topics = _text_list("Subjects the team's training covers.")
    missed_training_requires_memo = models.BooleanField(default=False)
    compensation = models.CharField(
        max_length=20, choices=Compensation.choices, default=Compensation.NONE
    )
    compensation_basis = _choice_list("CompensationBasis", "What earns the compensation.")
    days_off_per_year = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(30)]
    )
    withdrawal_in_writing = models.BooleanField(default=False)
    inactive_status_allowed = models.BooleanField(default=True)
    reinstatement_allowed = models.BooleanField(default=True)
    reinstatement_requires_training = models.BooleanField(default=True)
    removal_decided_by = models.CharField(
        max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )

    # Reaching a peer and activating the team.
    roster_distribution = models.CharField(
        max_length=300, blank=True, help_text="Where the list of peers is posted."
    )
    contact_modes = _choice_list("ContactMode", "How support may be given.", blank=False)
    activation_roles = _choice_list(
        "Role", "Roles that may open an activation themselves.", blank=False
    )
    activation_request_roles = _choice_list(
        "Role", "Roles that may ask the coordinator to activate."
    )
    activation_requires_approval = models.BooleanField(
        default=True, help_text="A request from a supervisor needs the coordinator's approval."
    )
    activation_chain = _choice_list("ChainStep", "Who notifies whom, in order.", blank=False)
    activation_areas = models.JSONField(
        default=list,
        blank=True,
        validators=[TextListValidator(max_length=AREA_MAX_LENGTH)],
        help_text="The general areas the coordinator chooses from when activating the team: the "
        "only 'where' a call-out message carries, so never a name or an address.",
    )
    peer_notifies_supervisor = models.BooleanField(
        default=False, help_text="An activated peer tells their own supervisor of the assignment."
    )
    max_peers_per_activation = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Empty means no limit.",
    )
    limit_override_roles = _choice_list("Role", "Roles that may call more peers than the limit.")
    limit_override_title = models.CharField(max_length=200, blank=True)
    escalation_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    cross_agency_requests = models.BooleanField(
        default=False, help_text="The team may be lent to, or borrow from, partner agencies."
    )
    cross_agency_approver_role = models.CharField(
        max_length=20, choices=Role.choices, default=Role.COORDINATOR
    )
    cross_agency_approver_title = models.CharField(max_length=200, blank=True)
    partner_peers_in_lookup = models.BooleanField(default=False)
    external_team_name = models.CharField(max_length=200, blank=True)
    external_team_consult = models.CharField(
        max_length=200, blank=True, help_text="Whom the coordinator consults before calling it."
    )
    outreach_reasons = _choice_list(
        "OutreachReason", "Members who are sent the team's contact card."
    )
    outreach_after_incidents = models.BooleanField(
        default=False, help_text="Peers may reach out in good faith after traumatic incidents."
    )
    contact_never_mandated = models.BooleanField(
        default=True, help_text="No one may be ordered to see a peer, nor as discipline."
    )

    # Records, confidentiality, reporting. What the usage form asks beyond the peer, the date and
    # time, and the type of incident and intervention.
    usage_duration = _field_use("How long the contact lasted")
    usage_contact_mode = _field_use("In person, by phone or by video")
    usage_on_duty = _field_use("Whether the peer was on or off duty")
    usage_activation = _field_use("The activation it came from", FieldUse.OPTIONAL)
    confidentiality_exceptions = _text_list("The limits of confidentiality, in the policy's words.")
    stats_suppression_threshold = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(2), MaxValueValidator(50)]
    )
    quarterly_report = models.BooleanField(default=False)
    program_evaluation = models.BooleanField(default=False)

    # RSMo 590.192 mental health check-ins.
    checkin_interval_years = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
        help_text="RSMo 590.192: once every 3 to 5 years.",
    )
    checkin_notice_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    reschedule_min_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(0), MaxValueValidator(90)]
    )
    checkin_reminder_days = models.JSONField(
        default=list, blank=True, validators=[DayListValidator()]
    )
    missed_copy_to_command = models.BooleanField(default=True)

    sources = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"Policy of {self.agency}"

    @property
    def pays_peers(self) -> bool:
        return self.compensation != Compensation.NONE

    def callout_blocking_flags(self) -> set[str]:
        """Flags that take a peer off call-outs: the policy's own, and administrative leave in
        every agency, since a member relieved of duty is never sent to an incident."""
        return {*self.disqualifying_flags, StatusFlag.ADMINISTRATIVE_LEAVE}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if (
            self.team_size_min is not None
            and self.team_size_max is not None
            and self.team_size_min > self.team_size_max
        ):
            errors["team_size_max"] = "The largest team size is below the smallest."
        # Hours paid for off-duty contacts are counted from the usage forms' duty and duration.
        paid_from_forms = {
            CompensationBasis.OFF_DUTY_CONTACT,
            CompensationBasis.APPROVED_OFF_DUTY_CONSULT,
        } & set(self.compensation_basis or [])
        if paid_from_forms:
            asked = (("usage_on_duty", "on or off duty"), ("usage_duration", "how long"))
            for name, words in asked:
                if getattr(self, name) != FieldUse.REQUIRED:
                    errors[name] = (
                        f"Compensation for off-duty contacts needs the usage form to ask {words}."
                    )
        if self.compensation == Compensation.DAYS_OFF and not self.days_off_per_year:
            errors["days_off_per_year"] = "Days off as compensation needs a number of days."
        if self.compensation != Compensation.DAYS_OFF and self.days_off_per_year:
            errors["days_off_per_year"] = "Days off are only given when compensation is days off."
        # An officer must be able to ask for a new date after the notice arrives, and a
        # reminder comes after the notice, not before it.
        if (
            self.reschedule_min_days is not None
            and self.checkin_notice_days is not None
            and self.reschedule_min_days >= self.checkin_notice_days
        ):
            errors["reschedule_min_days"] = (
                "A new date must be asked for fewer days ahead than the notice gives "
                f"({self.checkin_notice_days}), or nobody could ever ask."
            )
        late = [
            d
            for d in (self.checkin_reminder_days or [])
            if isinstance(d, int)
            and self.checkin_notice_days is not None
            and d >= self.checkin_notice_days
        ]
        if late:
            errors["checkin_reminder_days"] = (
                f"Reminders come after the notice: fewer than {self.checkin_notice_days} days "
                "before the appointment."
            )
        areas = self.activation_areas if isinstance(self.activation_areas, list) else []
        # Entries that are not text are the list validator's to report (and cannot be hashed).
        areas = [a for a in areas if isinstance(a, str)]
        if len(areas) > MAX_AREAS:
            errors["activation_areas"] = f"A short list: at most {MAX_AREAS} general areas."
        elif len(set(areas)) != len(areas):
            errors["activation_areas"] = "An area is listed twice."
        if errors:
            raise ValidationError(errors)


class PolicyListItem(TenantModel):
    """A row of one of the policy's lists; codes stay stable so records can point at them."""

    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class IncidentType(PolicyListItem):
    triggers_activation = models.BooleanField(default=False)
    requires_consent = models.BooleanField(
        default=False, help_text="Support only with the member's express permission."
    )

    class Meta(PolicyListItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="incidenttype_unique_code")
        ]


class InterventionType(PolicyListItem):
    class Meta(PolicyListItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="interventiontype_unique_code")
        ]


class TeamRole(PolicyListItem):
    """A seat or position on the team the policy names (lead, coordinators, consultants...)."""

    kind = models.CharField(max_length=20, choices=TeamRoleKind.choices)
    min_count = models.PositiveSmallIntegerField(null=True, blank=True)
    max_count = models.PositiveSmallIntegerField(null=True, blank=True)
    per_station = models.BooleanField(default=False)
    represents = models.CharField(max_length=200, blank=True)

    class Meta(PolicyListItem.Meta):
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="teamrole_unique_code")
        ]

    def __str__(self) -> str:
        # KCPD's four coordinator seats share a title; whom each represents tells them apart.
        return f"{self.label} ({self.represents})" if self.represents else self.label
