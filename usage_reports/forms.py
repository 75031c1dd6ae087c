from datetime import timedelta

from django import forms
from django.utils import timezone

from activations.selectors import activations_accepted_by
from agencies import clock
from agencies.choices import FieldUse
from agencies.selectors import incident_types_for, intervention_types_for

from .compensation import allowance_holders
from .models import MAX_MINUTES, ContactMode
from .services import ASKED, FOLLOW_UP_DAYS, asked

YES_NO = [("yes", "On duty"), ("no", "Off duty")]


class UsageForm(forms.Form):
    """Only what the policy lets a usage form hold (Joplin SOG 2-13 IV.C.2): when, how long, what
    kind. There is deliberately no field for anything about the person helped."""

    served_at = forms.DateTimeField(
        label="Date and time of service",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "A contact lasts at least a minute.",
            "max_value": f"A contact cannot last more than {MAX_MINUTES // 60} hours.",
        },
    )
    incident_type = forms.ModelChoiceField(queryset=None)
    intervention_type = forms.ModelChoiceField(queryset=None, label="Intervention")
    contact_mode = forms.ChoiceField(
        choices=ContactMode.choices, widget=forms.RadioSelect, label="Contact"
    )
    on_duty = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, label="You were")
    activation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="From an activation",
        empty_label="No, not from an activation",
    )

    def __init__(self, *args, agency, peer, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the agency's policy asks (Joplin SOG 2-13 IV.D.2 asks none of these).
        for field in ASKED:
            use = asked(agency.policy, field)
            if use == FieldUse.OFF:
                del self.fields[field]
            else:
                self.fields[field].required = use == FieldUse.REQUIRED
        self.fields["incident_type"].queryset = incident_types_for(agency=agency)
        self.fields["intervention_type"].queryset = intervention_types_for(agency=agency)
        if "activation" in self.fields:
            self._assignments(agency, peer)
        if not self.is_bound and "served_at" not in self.initial:
            self.initial["served_at"] = clock.now_local(agency).strftime("%Y-%m-%dT%H:%M")

    def _assignments(self, agency, peer) -> None:
        # The activations this peer accepted in the last 60 days.
        self.fields["activation"].queryset = activations_accepted_by(
            agency=agency, peer=peer, since=timezone.now() - timedelta(days=60)
        )
        self.fields["activation"].label_from_instance = lambda a: (
            f"{a.incident_type.label}, {timezone.localtime(a.occurred_at):%b %d}"
        )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if "on_duty" in data:
            data["on_duty"] = {"yes": True, "no": False}.get(data["on_duty"])
        data.pop("follow_up_days", None)
        return data


class FileUsageForm(UsageForm):
    follow_up_days = forms.TypedChoiceField(
        choices=[("", "No reminder")]
        + [(str(d), "Tomorrow" if d == 1 else f"In {d} days") for d in FOLLOW_UP_DAYS],
        coerce=int,
        empty_value=None,
        required=False,
        label="Remind me to follow up",
        help_text="The reminder reaches you alone and names only the date and type of contact.",
    )


class PeriodForm(forms.Form):
    period = forms.ChoiceField(choices=[], required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = choices


class DayOffForm(forms.Form):
    """A day off a team member took under the yearly allowance."""

    peer = forms.ModelChoiceField(
        queryset=None, label="Team member", widget=forms.Select(attrs={"class": "form-select"})
    )
    taken_on = forms.DateField(
        label="Day taken",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    period = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, agency, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = allowance_holders(agency=agency)
        self.fields["peer"].label_from_instance = lambda p: p.person.full_name
        self.fields["peer"].error_messages["invalid_choice"] = "Choose a member of the team."
        self.fields["taken_on"].error_messages["invalid"] = "Enter the day as a date."
        if period is not None:
            self.fields["period"].initial = period.key
