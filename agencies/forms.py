from django import forms
from django.utils.text import slugify

from . import choices
from .models import Policy, Resource
from .validators import ChoiceListValidator, DayListValidator, TextListValidator


class LinesField(forms.Field):
    """A list of text entries, edited as one line each."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class DaysField(forms.Field):
    """Numbers of days, written as `7, 1`."""

    def prepare_value(self, value):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        parts = [p.strip() for p in (value or "").replace(";", ",").split(",") if p.strip()]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise forms.ValidationError(
                "Write whole numbers of days separated by commas."
            ) from None


SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Names and titles",
        [
            "program_name",
            "team_name",
            "peer_title",
            "peer_title_plural",
            "peer_abbreviation",
            "lead_title",
            "command_title",
            "member_title",
            "provider_title",
        ],
    ),
    ("Who may run the program", ["lead_min_rank", "lead_excluded_units"]),
    ("Who is served", ["served_groups", "covered_member_classes"]),
    (
        "Joining the team",
        [
            "application_method",
            "vacancies_announced",
            "interview_required",
            "application_decided_by",
            "application_decider_title",
            "min_years_of_service",
            "disqualifying_flags",
            "eligible_member_classes",
            "confidentiality_agreement_required",
            "team_size_min",
            "team_size_max",
        ],
    ),
    (
        "Training and compensation",
        [
            "trainings_per_year",
            "training_topics",
            "missed_training_requires_memo",
            "compensation",
            "compensation_basis",
            "days_off_per_year",
        ],
    ),
    (
        "Leaving and returning",
        [
            "withdrawal_in_writing",
            "inactive_status_allowed",
            "reinstatement_allowed",
            "reinstatement_requires_training",
            "removal_decided_by",
        ],
    ),
    (
        "Reaching a peer and activating the team",
        [
            "roster_distribution",
            "contact_modes",
            "activation_roles",
            "activation_request_roles",
            "activation_requires_approval",
            "activation_chain",
            "activation_areas",
            "peer_notifies_supervisor",
            "max_peers_per_activation",
            "limit_override_roles",
            "limit_override_title",
            "escalation_minutes",
        ],
    ),
    (
        "Other agencies and outside teams",
        [
            "cross_agency_requests",
            "cross_agency_approver_role",
            "cross_agency_approver_title",
            "partner_peers_in_lookup",
            "external_team_name",
            "external_team_consult",
        ],
    ),
    ("Outreach", ["outreach_reasons", "outreach_after_incidents", "contact_never_mandated"]),
    (
        "The usage form: what it asks beyond the peer, the time and the type",
        ["usage_duration", "usage_contact_mode", "usage_on_duty", "usage_activation"],
    ),
    (
        "Confidentiality and reporting",
        [
            "confidentiality_exceptions",
            "stats_suppression_threshold",
            "quarterly_report",
            "program_evaluation",
        ],
    ),
    (
        "RSMo 590.192 mental health check-ins",
        [
            "checkin_interval_years",
            "checkin_notice_days",
            "reschedule_min_days",
            "checkin_reminder_days",
            "missed_copy_to_command",
        ],
    ),
]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = [name for _, names in SECTIONS for name in names]
        labels = {
            "peer_title_plural": "Peer title, plural",
            "lead_title": "Program lead's title",
            "lead_min_rank": "Lowest rank of the program lead",
            "lead_excluded_units": "Units the program lead may not come from",
            "member_title": "What a department member is called",
            "min_years_of_service": "Minimum years of service",
            "team_size_min": "Smallest team size",
            "team_size_max": "Largest team size",
            "days_off_per_year": "Days off a year",
            "activation_areas": "General areas of an activation",
            "max_peers_per_activation": "Most peers per activation",
            "limit_override_roles": "Roles that may exceed the limit",
            "limit_override_title": "Who may exceed the limit, in the policy's words",
            "escalation_minutes": "Escalate after (minutes without enough answers)",
            "cross_agency_requests": "Lend to and borrow from partner agencies",
            "partner_peers_in_lookup": "Show partner agencies' on-call peers in the lookup",
            "stats_suppression_threshold": "Hide statistics counts below",
            "usage_duration": "Duration",
            "usage_contact_mode": "Contact mode",
            "usage_on_duty": "On or off duty",
            "usage_activation": "Link to an activation",
            "checkin_interval_years": "Check-in interval (years)",
            "checkin_notice_days": "Appointment notice (days ahead)",
            "reschedule_min_days": "Reschedule requests at least (days ahead)",
            "checkin_reminder_days": "Reminders (days before the appointment)",
            "missed_copy_to_command": "Copy missed-appointment explanations to command",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in Policy._meta.concrete_fields:
            if f.name not in self.fields or f.get_internal_type() != "JSONField":
                continue
            label, help_text = self.fields[f.name].label, f.help_text
            validator = next(iter(f.validators), None)
            if isinstance(validator, ChoiceListValidator):
                field = forms.MultipleChoiceField(
                    choices=getattr(choices, validator.choices_path).choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=not f.blank,
                )
            elif isinstance(validator, TextListValidator):
                field = LinesField(required=False, help_text="One per line.")
            elif isinstance(validator, DayListValidator):
                field = DaysField(required=False, help_text="Days before, e.g. 7, 1.")
            else:
                continue
            field.label = label
            field.help_text = help_text or field.help_text
            self.fields[f.name] = field
        if "lead_min_rank" in self.fields:
            self.fields["lead_min_rank"].choices = [("", "Any rank"), *choices.Rank.choices]
        if "checkin_interval_years" in self.fields:
            # The statute's range (RSMo 590.192: every three to five years), in the browser too.
            self.fields["checkin_interval_years"].widget.attrs.update(min=3, max=5)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


class ListItemForm(forms.Form):
    """One entry of a policy list; the code is kept in records, so it defaults to the label's."""

    label = forms.CharField(max_length=200)
    code = forms.SlugField(
        max_length=40, required=False, help_text="Kept in records; derived from the label if blank."
    )
    source = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("code"):
            # Records point at the code: an existing entry keeps it (a new code is a new entry).
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "Kept in records, so it cannot change."

    def clean(self):
        data = super().clean()
        if data.get("label") and not data.get("code"):
            data["code"] = slugify(data["label"])[:40]
        return data


class IncidentTypeForm(ListItemForm):
    triggers_activation = forms.BooleanField(required=False)
    requires_consent = forms.BooleanField(
        required=False, label="Needs the member's express consent"
    )


class InterventionTypeForm(ListItemForm):
    """An intervention type has only a label and a code."""


class TeamRoleForm(ListItemForm):
    kind = forms.ChoiceField(choices=choices.TeamRoleKind.choices)
    min_count = forms.IntegerField(min_value=0, max_value=500, required=False)
    max_count = forms.IntegerField(min_value=0, max_value=500, required=False)
    per_station = forms.BooleanField(required=False, label="One per station")
    represents = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].label = "Title"

    def clean(self):
        data = super().clean()
        low, high = data.get("min_count"), data.get("max_count")
        if low is not None and high is not None and low > high:
            self.add_error("max_count", "The largest number is below the smallest.")
        return data


class BaseListFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            code = form.cleaned_data["code"]
            if code in seen:
                form.add_error("code", f'"{code}" is used twice; codes must differ.')
            seen.add(code)

    def items(self) -> list[dict]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


LIST_FORMS = {
    "incident_types": ("Incident types", IncidentTypeForm),
    "intervention_types": ("Intervention types", InterventionTypeForm),
    "team_roles": ("Team roles", TeamRoleForm),
}


def list_formset(key: str):
    return forms.formset_factory(
        LIST_FORMS[key][1],
        formset=BaseListFormSet,
        extra=2,
        can_delete=True,
        max_num=100,
        validate_max=True,
    )


class ResourceForm(forms.ModelForm):
    url = forms.URLField(required=False, assume_scheme="https", label="Web address")

    class Meta:
        model = Resource
        fields = ["kind", "name", "phone", "url", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
