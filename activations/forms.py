from django import forms

from agencies import clock
from agencies.selectors import incident_types_for, partner_agency_choices
from roster.selectors import active_peers

from .selectors import areas_for


class ActivationForm(forms.Form):
    incident_type = forms.ModelChoiceField(queryset=None)
    occurred_at = forms.DateTimeField(
        label="When it happened", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    area = forms.ChoiceField(
        label="General area",
        help_text="All that the call-out email and text say of where.",
    )
    location = forms.CharField(
        max_length=120,
        label="General location",
        help_text="No address of a person. Shown to the called peers on the call-out page, "
        "never sent; erased when the activation closes.",
    )
    members_affected = forms.IntegerField(min_value=1, max_value=500, label="Members affected")
    peers_needed = forms.IntegerField(min_value=1, max_value=50, label="Peers needed")
    briefing = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the called peers on the call-out page, never sent in a message; "
        "erased when the activation closes.",
    )
    consent_confirmed = forms.BooleanField(
        required=False, label="The member gave express permission (where the type needs it)"
    )
    involved = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Peers involved in the incident (they will not be called)",
        widget=forms.CheckboxSelectMultiple,
    )
    override_reason = forms.CharField(
        max_length=300, required=False, label="Reason for more peers than the policy's limit"
    )
    trigger_reason = forms.CharField(
        max_length=300,
        required=False,
        label="Reason to activate for a type that does not trigger activation",
        help_text="Only the program lead may, for a type marked so in the list.",
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        policy = agency.policy
        self.fields["incident_type"].queryset = incident_types_for(agency=agency)
        self.fields["incident_type"].label_from_instance = lambda t: (
            t.label if t.triggers_activation else f"{t.label} (does not trigger activation)"
        )
        areas = areas_for(policy=policy)
        self.fields["area"].choices = [("", "Choose the general area"), *((a, a) for a in areas)]
        # An agency that has emptied its list can still activate; the messages then say no area.
        self.fields["area"].required = bool(areas)
        self.fields["involved"].queryset = active_peers(agency=agency)
        self.fields["involved"].label_from_instance = lambda p: p.person.full_name
        limit = policy.max_peers_per_activation
        self.fields["peers_needed"].initial = min(2, limit) if limit else 2
        if limit:
            self.fields["peers_needed"].help_text = f"The policy allows {limit} per incident."
        self.fields["occurred_at"].initial = clock.now_local(agency).strftime("%Y-%m-%dT%H:%M")


class AddPeersForm(forms.Form):
    count = forms.IntegerField(min_value=1, max_value=10, initial=1, label="More peers")
    reason = forms.CharField(max_length=300, required=False)


class ExternalTeamForm(forms.Form):
    consulted = forms.CharField(max_length=300, label="Consulted first")


class AskPartnerForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=None, label="Partner agency")
    count = forms.IntegerField(min_value=1, max_value=10, initial=1, label="Peers")

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partner_agency_choices(agency=agency)


class OutreachForm(forms.Form):
    employee_number = forms.CharField(max_length=30, label="Member's employee number")
    reason = forms.ChoiceField(choices=[])

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = reasons
