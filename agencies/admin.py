from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from . import role_rules
from .models import Agency, IncidentType, InterventionType, Membership, Policy, Resource, User
from .presets import PRESETS
from .services import create_agency, revoke_role, save_membership


class MembershipAdminForm(forms.ModelForm):
    """The user by username, typed: a plain labelled field that works by keyboard and screen
    reader, and needs no list of every user of the platform."""

    user = forms.ModelChoiceField(
        queryset=User.objects.all(),
        to_field_name="username",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        label="Username",
        error_messages={"invalid_choice": "No user has this username."},
    )

    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for an exception",
        help_text="Only where the agency's policy says who may hold the role and this person "
        "does not meet it: why the exception is made. Kept with the role and audited.",
    )

    class Meta:
        model = Membership
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["user"] = self.instance.user.username

    def clean(self):
        data = super().clean()
        user, role = data.get("user"), data.get("role")
        # The inline formset has set the row's agency already.
        if user is None or not role or not self.instance.agency_id:
            return data
        row = Membership(pk=self.instance.pk, agency=self.instance.agency, user=user, role=role)
        refusal = role_rules.membership_refusal(row)
        reason = data.get("reason", "").strip()
        if refusal and not reason:
            self.add_error("role", f"{refusal} {role_rules.OVERRIDE_HINT}")
        elif reason and not refusal:
            self.add_error("reason", "No exception is needed here: leave the reason empty.")
        return data


class MembershipInline(admin.StackedInline):
    # Stacked, not tabular: every field of a row keeps its own label.
    model = Membership
    form = MembershipAdminForm
    extra = 1
    readonly_fields = ["override_reason", "override_by"]


@admin.register(User)
class PeerSupportUserAdmin(UserAdmin):
    pass


def preset_choices() -> list[tuple[str, str]]:
    return [(p.key, f"{p.name}: {p.document}") for p in PRESETS.values()]


class AgencyCreationForm(forms.ModelForm):
    """A new agency: the policy, its lists and resources all come from the preset chosen."""

    preset = forms.ChoiceField(
        choices=preset_choices,
        help_text="The policy the agency starts from; its admin adapts it on the settings page.",
    )

    class Meta:
        model = Agency
        fields = ["name", "slug", "preset", "time_zone"]

    def clean_slug(self):
        return self.cleaned_data["slug"].strip().lower()


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "preset", "time_zone", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["preset", "created_at"]
    inlines = [MembershipInline]
    add_form = AgencyCreationForm

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_form.Meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_inlines(self, request, obj):
        # Members are added once the agency exists, on its change page.
        return self.inlines if obj else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # commit=False still lists the new, changed and deleted rows for the admin's history.
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            revoke_role(membership=row, actor=request.user)
        reasons = {id(f.instance): f.cleaned_data.get("reason", "") for f in formset.forms}
        for row in rows:
            reason = reasons.get(id(row), "")
            save_membership(membership=row, actor=request.user, override_reason=reason)
        return None

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # The form has checked the slug (format, reserved, taken) and the time zone already,
        # with the same model validation create_agency runs.
        agency = create_agency(
            slug=obj.slug, name=obj.name, preset_key=obj.preset, time_zone=obj.time_zone
        )
        obj.pk = agency.pk
        obj.refresh_from_db()
        obj._state.adding = False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["agency", "program_name", "checkin_interval_years", "updated_at"]
    readonly_fields = ["agency", "sources"]

    def has_add_permission(self, request):
        return False


@admin.register(IncidentType, InterventionType)
class ListItemAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "agency", "active"]
    list_filter = ["agency", "active"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "agency"]
    list_filter = ["agency", "kind"]
