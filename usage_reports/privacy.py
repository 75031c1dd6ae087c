"""What the product stores about each kind of user, read from the models themselves.

Every model of the product is classified here: whom its rows are about, or nobody. The fields
shown are read from the model at runtime, so the page cannot drift from what is stored, and a
test fails when a model is added without being classified."""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models

PROJECT_APPS = ("agencies", "roster", "activations", "notifications", "usage_reports", "checkins")

# model label -> (whom its rows are about, what it is for, in plain words)
ABOUT: dict[str, tuple[str, str]] = {
    "agencies.User": ("everyone", "Your account."),
    "agencies.Membership": ("everyone", "Your roles in this agency."),
    "roster.Person": ("everyone", "Your line in the agency's personnel directory."),
    "roster.DirectoryImport": (
        "everyone",
        "Directory files the coordinator imported, which carry your directory line.",
    ),
    "roster.SignInLink": ("everyone", "Sign-in links emailed to you (only a hash of each)."),
    "notifications.Message": (
        "everyone",
        "Notices sent to you: which notice, when, and whether it went out. The text is not "
        "kept; an outreach card's row is deleted once sent.",
    ),
    "checkins.DueDate": ("everyone", "When your next RSMo 590.192 check-in is due."),
    "checkins.Appointment": (
        "everyone",
        "Your check-in appointments: time, place, and whether completed or missed. Nothing of "
        "what was said is kept; there is nowhere to write it.",
    ),
    "checkins.AppointmentNotice": ("everyone", "Which check-in notices and reminders went out."),
    "checkins.RescheduleRequest": ("everyone", "Your requests for a new check-in date."),
    "checkins.MissedCheckin": (
        "everyone",
        "Your explanation of a missed check-in, and the coordinator's finding of just cause.",
    ),
    "roster.Peer": ("peer", "Your place on the team."),
    "roster.PeerStatusChange": ("peer", "Every change of your team status, who made it, why."),
    "roster.Application": ("peer", "Your application to the team."),
    "roster.TrainingRecord": ("peer", "Your trainings."),
    "roster.TrainingMemo": ("peer", "Memos for a missed training."),
    "roster.OnCallShift": ("peer", "Your on-call shifts."),
    "activations.CallOut": ("peer", "Call-outs you received and how you answered."),
    "activations.TimeEntry": ("peer", "Time an accepted call-out earned you."),
    "usage_reports.UsageReport": ("peer", "Usage forms you filed."),
    "activations.Activation": (
        "nobody",
        "Critical-incident activations: incident type, time, general location, how many members "
        "were affected; the briefing is erased when it closes.",
    ),
    "activations.AssistanceRequest": ("nobody", "Requests for peers between partner agencies."),
    "activations.OutreachCount": (
        "nobody",
        "How many outreach cards went out, per reason and month.",
    ),
}
ABOUT_NOBODY = {
    "agencies.Agency",
    "agencies.Policy",
    "agencies.IncidentType",
    "agencies.InterventionType",
    "agencies.TeamRole",
    "agencies.Resource",
    "agencies.Partnership",
    "checkins.Provider",
    "checkins.ProviderContract",
    "checkins.Location",
    "checkins.OpeningHours",
    "checkins.ClosedDate",
    "checkins.Booking",
    "checkins.Program",
    "checkins.ScheduleRun",
}


def project_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS and not m._meta.auto_created
    ]


def unclassified() -> list[str]:
    return sorted(
        m._meta.label
        for m in project_models()
        if m._meta.label not in ABOUT and m._meta.label not in ABOUT_NOBODY
    )


def _fields(model) -> list[str]:
    skip = {"id", "agency", "password", "token_hash"}
    return [str(f.verbose_name) for f in model._meta.concrete_fields if f.name not in skip]


@dataclass
class Entry:
    title: str
    purpose: str
    fields: list[str]


def stored_about(kind: str) -> list[Entry]:
    found = []
    for model in project_models():
        about, purpose = ABOUT.get(model._meta.label, ("", ""))
        if about == kind:
            found.append(Entry(str(model._meta.verbose_name).capitalize(), purpose, _fields(model)))
    return found


def actions_recorded() -> list[Entry]:
    """Where the product keeps the name of the user who did something: the fields pointing at
    an account, model by model."""
    found = []
    for model in project_models():
        fields = [
            str(f.verbose_name)
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
            and f.related_model._meta.label == settings.AUTH_USER_MODEL
            and model._meta.label not in {"agencies.Membership", "roster.Person"}
        ]
        if fields:
            found.append(Entry(str(model._meta.verbose_name).capitalize(), "", fields))
    return found


def usage_form_fields() -> list[str]:
    from .models import UsageReport

    return [str(f.verbose_name) for f in UsageReport._meta.concrete_fields if f.name != "id"]


def outreach_fields() -> list[str]:
    from activations.models import OutreachCount

    return [str(f.verbose_name) for f in OutreachCount._meta.concrete_fields if f.name != "id"]
