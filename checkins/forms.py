from django import forms

from .models import Program


class RunForm(forms.Form):
    horizon_days = forms.IntegerField(
        label="Schedule officers due within (days)",
        min_value=14,
        max_value=730,
        initial=180,
        help_text="Every covered officer due by then, with no appointment yet, gets one.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason for a new date (your To/From to the coordinator)",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A scheduling conflict, e.g. a court date. Nothing about your health.",
    )


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        label="Why you did not attend (your To/From)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SlotForm(forms.Form):
    slot = forms.ChoiceField(label="New appointment")

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing chosen to begin with: a decision names its new date on purpose.
        self.fields["slot"].choices = [("", "Choose a free slot…"), *choices]

    def clean_slot(self):
        from .selectors import parse_slot

        if not self.cleaned_data["slot"]:
            return None
        parsed = parse_slot(self.cleaned_data["slot"])
        if parsed is None:
            raise forms.ValidationError("Pick one of the free slots.")
        return parsed


class DecideRequestForm(SlotForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve, with the new slot"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        initial="approve",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].required = False

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("slot") and "slot" not in self.errors:
            self.add_error("slot", "Pick the new slot to approve the request.")
        return data


class DecideMissedForm(SlotForm):
    just_cause = forms.TypedChoiceField(
        label="Just cause",
        choices=[("yes", "Just cause: no discipline"), ("no", "No just cause")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["started_on", "duty_starts", "duty_ends"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            "duty_starts": forms.TimeInput(attrs={"type": "time"}),
            "duty_ends": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {
            "started_on": "Program started on",
            "duty_starts": "On-duty hours start",
            "duty_ends": "On-duty hours end",
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("duty_starts"), data.get("duty_ends")
        if starts and ends and ends <= starts:
            self.add_error("duty_ends", "The on-duty hours must end after they start.")
        return data
