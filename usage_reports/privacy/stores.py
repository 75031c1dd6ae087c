"""Every place the product keeps something: each installed model, and the files the embedded
default writes. For each, whom it is about, what it is for, who can read it and how long it is
kept, in plain words. Who can read it names actions of agencies/permissions.py, so the roles
shown are the ones the code lets in; how long names a period of security/retention.py where a
sweep enforces one."""

from dataclasses import dataclass

# In the order the page shows them: (key, heading).
GROUPS = [
    ("everyone", "About everyone in the department"),
    ("peer", "About {peers}, in addition"),
    ("signin", "Signing in, sessions and the audit log"),
    ("messages", "Notices waiting or sent"),
    ("records", "Program records about no one"),
    ("machinery", "Settings and machinery, about no one"),
]

YOU = "You: your own, and nobody else's."
TEAM_RECORD = "As long as the agency keeps its team records; nothing removes them on a schedule."
MEMBER = "While you are a member of the agency."
PROGRAM = "As long as the agency uses the product."
MACHINERY = "As long as the product runs."
NOBODY = ("Nobody reads it as a record: the product itself uses it.",)


@dataclass(frozen=True)
class Store:
    key: str  # a model label, or "file:..." for files the embedded default writes
    group: str
    purpose: str
    read_by: tuple[str, ...] = ()  # actions of agencies/permissions.py whose roles read it
    also: tuple[str, ...] = ()  # readers no role stands for, in plain words
    kept: str = ""  # plain words, when no retention period applies
    kept_for: str = ""  # a key of security.retention.PERIODS
    title: str = ""  # the model's own name when empty


def _store(key, group, purpose, read_by=(), also=(), kept="", kept_for="", title=""):
    return Store(key, group, purpose, tuple(read_by), tuple(also), kept, kept_for, title)


# fmt: off
STORES = [
    # About everyone.
    _store("agencies.User", "everyone", "Your account.", ["directory.manage", "audit.view"],
           [YOU], "While you have an account. When you leave it is switched off, not deleted, "
           "so the records that name it stay readable.", title="Your account"),
    _store("agencies.Membership", "everyone", "Your roles in this agency.", ["directory.manage"],
           [YOU], MEMBER, title="Your roles"),
    _store("roster.Person", "everyone",
           "Your line in the agency's personnel directory, kept by the coordinator from the "
           "personnel file.", ["directory.manage", "checkins.view"],
           ["Every member sees an on-call peer's name and phone on the on-call page.",
            "A check-in provider sees the name of whoever has an appointment with them."],
           "While you are in the agency's directory.", title="Your directory line"),
    _store("roster.DirectoryImport", "everyone",
           "A directory file the coordinator uploaded, waiting for its preview to be confirmed.",
           ["directory.manage"], (),
           "Until the coordinator confirms it or uploads the next file; a file never confirmed "
           "is deleted a day after it was uploaded.", title="Directory files waiting"),
    _store("roster.SignInLink", "everyone", "Sign-in links emailed to you (only a hash of each).",
           (), NOBODY, "A day after the link expires, then deleted.", title="Sign-in links"),
    _store("checkins.DueDate", "everyone", "When your next RSMo 590.192 check-in is due.",
           ["checkins.view", "checkins.mine"], (), MEMBER, title="Check-in due dates"),
    _store("checkins.Appointment", "everyone",
           "Your check-in appointments: time, place, and whether completed or missed. Nothing of "
           "what was said is kept; there is nowhere to write it.",
           ["checkins.view", "checkins.mine", "checkins.provide"], (),
           "As long as the agency keeps its check-in records (the law asks it to show each "
           "officer checked in).", title="Check-in appointments"),
    _store("checkins.AppointmentNotice", "everyone",
           "Which check-in notices and reminders went out.", ["checkins.view"], (),
           "As long as its appointment.", title="Check-in notices sent"),
    _store("checkins.RescheduleRequest", "everyone", "Your requests for a new check-in date.",
           ["checkins.manage", "checkins.mine"], (), "As long as its appointment.",
           title="Requests for a new check-in date"),
    _store("checkins.MissedCheckin", "everyone",
           "Your explanation of a missed check-in, and the coordinator's finding of just cause.",
           ["checkins.manage", "checkins.mine"],
           ["Command, when the policy sends it a copy of a missed check-in."],
           "As long as its appointment.", title="Missed check-ins"),
    # About peers.
    _store("roster.Peer", "peer", "Your place on the team.", ["roster.manage", "peer.self"],
           ["Every member sees whether you are on call, on the on-call page."], TEAM_RECORD,
           title="Your place on the team"),
    _store("roster.PeerStatusChange", "peer", "Every change of your team status, who made it, why.",
           ["roster.manage"], (), TEAM_RECORD, title="Team status history"),
    _store("roster.Application", "peer", "Your application to the team.",
           ["roster.manage", "application.decide"], (), TEAM_RECORD,
           title="Applications to the team"),
    _store("roster.TrainingRecord", "peer", "Your trainings.", ["roster.manage", "peer.self"],
           (), TEAM_RECORD, title="Trainings"),
    _store("roster.TrainingMemo", "peer", "Memos for a missed training.", ["roster.manage"],
           (), TEAM_RECORD, title="Missed-training memos"),
    _store("roster.OnCallShift", "peer", "Your on-call shifts.",
           ["schedule.manage", "peer.self", "oncall.view"], (), TEAM_RECORD,
           title="On-call shifts"),
    _store("activations.CallOut", "peer", "Call-outs you received and how you answered.",
           ["activation.manage"], [YOU], TEAM_RECORD, title="Call-outs"),
    _store("activations.TimeEntry", "peer", "Time an accepted call-out earned you.",
           ["compensation.view"], (), TEAM_RECORD, title="Time earned"),
    _store("usage_reports.UsageReport", "peer",
           "Usage forms you filed: never who was helped.", ["usage.read"], [YOU],
           TEAM_RECORD, title="Usage forms"),
    _store("usage_reports.DayOff", "peer",
           "Days off you took under the policy's yearly allowance: only the date.",
           ["compensation.view"], (), TEAM_RECORD, title="Days off taken"),
    # Signing in.
    _store("security.AuditEvent", "signin",
           "The audit log: every sign-in (and failed one), every privileged page and change, "
           "with the username, the network address and the outcome. It never names a member "
           "who was supported.", ["audit.view"],
           ["The platform operator, for events outside any agency."], kept_for="audit",
           title="Audit log"),
    _store("sessions.Session", "signin", "Your signed-in session.", (), NOBODY,
           "Until you sign out, 30 minutes without use, or 12 hours after signing in; cleared "
           "daily.", title="Sessions"),
    _store("security.UserSession", "signin",
           "Which sessions are yours, so they can all be ended at once (when your account is "
           "switched off, say).", (), NOBODY,
           "Until you sign out, or a day after the session could last.",
           title="Your sessions list"),
    _store("axes.AccessAttempt", "signin", "Failed sign-in tries, and the lockout they cause.",
           ["audit.view"], (), kept_for="signin", title="Failed sign-ins and lockouts"),
    _store("axes.AccessAttemptExpiration", "signin", "When each lockout lifts.", (), NOBODY,
           kept_for="signin", title="Lockout ends"),
    _store("axes.AccessFailureLog", "signin",
           "A log of each failed sign-in (only when an operator turns it on).", (), (),
           kept_for="signin", title="Failed sign-in log"),
    _store("axes.AccessLog", "signin", "A log of each sign-in and sign-out.", (), (),
           kept_for="signin", title="Sign-in log"),
    _store("otp_totp.TOTPDevice", "signin", "Your authenticator app, for the second factor.",
           (), [YOU + " (whether it is set up)"],
           "While it is set up; a new one replaces it.", title="Authenticator app"),
    _store("otp_static.StaticDevice", "signin", "Your set of recovery codes.", (),
           [YOU + " (how many are left)"], "While it is set up.", title="Recovery codes"),
    _store("otp_static.StaticToken", "signin", "Each recovery code not used yet.", (),
           NOBODY, "Until used, or replaced by new codes.", title="Recovery code"),
    _store("admin.LogEntry", "signin",
           "Changes made in the platform's administration pages.", (),
           ["The platform administrator."], kept_for="audit",
           title="Platform administration log"),
    # Notices.
    _store("notifications.Message", "messages",
           "Notices waiting or sent: which notice, to whom, and whether it went out. The text "
           "is not kept (it is written when sent); an outreach card's row is deleted once sent.",
           ["outbox.view"], (), kept_for="outbox", title="Outbox"),
    _store("notifications.PushSubscription", "messages",
           "Each phone or computer you asked to get your call-outs as notifications: where its "
           "push service takes them, and its keys. A call-out's push carries only the link.",
           (), [YOU + " (how many devices)"],
           "Until you stop it on your page, or the push service says the device is gone.",
           title="Devices that get your call-outs"),
    _store("file:mail", "messages",
           "In the embedded set-up (no mail server), each email is written to a file instead "
           "of sent, whole: address, subject and text.", (),
           ["Whoever runs the server, on its disk."], kept_for="files",
           title="Mail files (embedded set-up)"),
    _store("file:sms", "messages",
           "In the embedded set-up (no text service), each text message is written to a file: "
           "number and text.", (), ["Whoever runs the server, on its disk."],
           kept_for="files", title="Text message files (embedded set-up)"),
    # Records about no one.
    _store("activations.Activation", "records",
           "Critical-incident activations. The exact location, the briefing and who was "
           "involved are erased when it closes; the incident type, the general area, the time "
           "and a count of members affected stay.", ["activation.manage"],
           ["Whoever asked for it, their own request.", "The peers called, while it is open."],
           TEAM_RECORD, title="Activations"),
    _store("activations.AssistanceRequest", "records",
           "Requests for peers between partner agencies.", ["activation.manage"],
           ["The partner agency's coordinator and command."], TEAM_RECORD,
           title="Requests between partner agencies"),
    _store("activations.OutreachCount", "records",
           "How many outreach cards went out, per reason and month.", ["reports.view"], (),
           TEAM_RECORD, title="Outreach counts"),
    _store("checkins.ScheduleRun", "records", "Each run of the check-in scheduler.",
           ["checkins.manage"], (), PROGRAM, title="Check-in scheduling runs"),
    _store("checkins.Booking", "records", "How full each appointment slot is (a count).",
           (), NOBODY, PROGRAM, title="Appointment slots"),
]
# fmt: on

_SETTINGS = [
    ("agencies.Agency", "The agency.", ["agency.view"]),
    ("agencies.Policy", "The agency's policy settings.", ["policy.view"]),
    ("agencies.IncidentType", "The agency's incident types.", ["activation.use"]),
    ("agencies.InterventionType", "The agency's intervention types.", ["usage.file"]),
    ("agencies.TeamRole", "The seats on the team the policy names.", ["policy.view"]),
    ("agencies.Resource", "Where else to turn: EAP, hotlines, apps.", ["program.view"]),
    ("agencies.Partnership", "Partner agencies.", ["partners.manage"]),
    (
        "checkins.Provider",
        "Check-in providers: their office's name, email and phone.",
        ["checkins.view", "checkins.provide"],
    ),
    ("checkins.ProviderContract", "Which providers serve this agency.", ["checkins.view"]),
    ("checkins.Location", "Providers' offices and stations.", ["checkins.mine"]),
    ("checkins.OpeningHours", "When each office is open.", ["checkins.manage"]),
    ("checkins.ClosedDate", "Days an office is closed.", ["checkins.manage"]),
    ("checkins.Program", "The agency's check-in program.", ["checkins.manage"]),
]
STORES += [_store(key, "records", purpose, read_by, (), PROGRAM) for key, purpose, read_by in
           _SETTINGS]  # fmt: skip

_MACHINERY = [
    ("auth.Permission", "The platform's permission names (unused: roles decide)."),
    ("auth.Group", "Platform permission groups (none are used)."),
    ("contenttypes.ContentType", "The names of the kinds of record."),
    ("django_celery_beat.PeriodicTask", "The background jobs' schedule."),
    ("django_celery_beat.PeriodicTasks", "When that schedule last changed."),
    ("django_celery_beat.IntervalSchedule", "Intervals the jobs run at."),
    ("django_celery_beat.CrontabSchedule", "Times of day the jobs run at."),
    ("django_celery_beat.SolarSchedule", "Sun-event times (unused)."),
    ("django_celery_beat.ClockedSchedule", "One-off times (unused)."),
]
STORES += [_store(key, "machinery", purpose, (), NOBODY, MACHINERY) for key, purpose in
           _MACHINERY]  # fmt: skip
