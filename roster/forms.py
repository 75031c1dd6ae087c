from django import forms

from agencies.selectors import team_roles_for
from roster import dates
from roster.choices import PeerStatus
from roster.models import Person
from roster.selectors import person_by_number


class PersonForm(forms.ModelForm):
    commanding_officer_number = forms.CharField(
        max_length=30, required=False, label="Commanding officer (employee number)"
    )

    class Meta:
        model = Person
        fields = [
            "employee_number", "first_name", "last_name", "rank", "unit", "member_class",
            "hire_date", "email", "phone", "probationary", "improvement_plan",
            "administrative_leave", "post_suspension", "criminal_investigation",
            "pending_discipline", "employed",
        ]  # fmt: skip
        widgets = {"hire_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        boss = self.instance.commanding_officer if self.instance.pk else None
        if boss:
            self.fields["commanding_officer_number"].initial = boss.employee_number

    def clean_hire_date(self):
        value = self.cleaned_data.get("hire_date")
        dates.HIRE_DATE(value)
        return value

    def clean_employee_number(self):
        number = self.cleaned_data["employee_number"].strip()
        holder = person_by_number(agency=self.instance.agency, employee_number=number)
        if holder is not None and holder.pk != self.instance.pk:
            raise forms.ValidationError("Another person already has this employee number.")
        return number

    def clean_commanding_officer_number(self):
        number = self.cleaned_data["commanding_officer_number"].strip()
        if not number:
            self.commanding_officer = None
            return ""
        boss = person_by_number(agency=self.instance.agency, employee_number=number)
        if boss is None or (self.instance.pk and boss.pk == self.instance.pk):
            raise forms.ValidationError("No other person in the directory has that number.")
        self.commanding_officer = boss
        return number


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV with a header row.")


class ApplicationForm(forms.Form):
    employee_number = forms.CharField(max_length=30, label="Applicant's employee number")
    submitted_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[dates.APPLICATION_DATE]
    )
    letter_received = forms.BooleanField(required=False, label="Letter of request received")
    recommended_by = forms.CharField(
        max_length=120, required=False, label="Recommended through the chain of command by"
    )


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[dates.INTERVIEW_DATE]
    )
    passed = forms.TypedChoiceField(
        choices=[("yes", "Passed"), ("no", "Not passed")], coerce=lambda v: v == "yes"
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("deny", "Do not approve")])
    reason = forms.CharField(max_length=500, required=False)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=PeerStatus.choices, label="New status")
    reason = forms.CharField(
        max_length=500, required=False, help_text="Why; note a written request here."
    )

    def __init__(self, *args, moves: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(PeerStatus.choices)
        self.fields["to"].choices = [(m, labels[m]) for m in moves]


class AgreementForm(forms.Form):
    signed_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[dates.AGREEMENT_DATE]
    )
    kept_by = forms.CharField(max_length=120, label="Kept by")


class TrainingForm(forms.Form):
    held_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.TRAINING_DATE],
    )
    topic = forms.CharField(max_length=200)
    hours = forms.DecimalField(max_digits=5, decimal_places=1, min_value=0.5, max_value=80)


class MemoForm(forms.Form):
    missed_on = forms.DateField(
        label="Training missed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[dates.MISSED_TRAINING_DATE],
    )


class TeamRoleForm(forms.Form):
    team_role = forms.ModelChoiceField(queryset=None, required=False)
    station = forms.CharField(max_length=80, required=False)

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_role"].queryset = team_roles_for(agency=agency)


class ShiftForm(forms.Form):
    peer = forms.ChoiceField(label="Peer")
    start_day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[dates.SHIFT_START_DAY]
    )
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="An end before the start means the next morning.",
    )
    repeat_weeks = forms.IntegerField(
        min_value=1, max_value=26, initial=1, label="Weeks", help_text="Same shift each week."
    )

    def __init__(self, *args, peers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [(str(p.pk), p.person.full_name) for p in peers]


class AvailabilityForm(forms.Form):
    available = forms.TypedChoiceField(
        choices=[("yes", "Available now"), ("no", "Not available until…")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    until = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean(self):
        data = super().clean()
        if data.get("available") is False and not data.get("until"):
            self.add_error("until", "Say until when you are not available.")
        return data


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label="Your work email")


class RosterFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Current team"), *PeerStatus.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    station = forms.CharField(required=False)
    overdue = forms.BooleanField(required=False, label="Training overdue")
    on_call = forms.BooleanField(required=False, label="On call now")
