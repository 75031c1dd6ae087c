"""Field labels, in plain words, of the platform's own stores: the audit log, sessions, sign-in
attempts and lockouts, second factors, the outbox, and the machinery of the installed apps."""

_ACCESS = {
    "user_agent": "Which browser and device, as the browser describes itself",
    "ip_address": "The network (IP) address it came from",
    "username": "The username typed",
    "http_accept": "What kinds of page the browser accepts",
    "path_info": "Which sign-in page",
    "attempt_time": "When",
}

_DEVICE = {
    "user": "Your account",
    "name": "The device's name",
    "confirmed": "Whether it is set up",
    "throttling_failure_timestamp": "When a wrong code was last given",
    "throttling_failure_count": "How many wrong codes in a row",
    "created_at": "When it was set up",
    "last_used_at": "When it was last used",
}

_SCHEDULE = {
    "ClockedSchedule": {"clocked_time": "When to run, once"},
    "IntervalSchedule": {"every": "How many", "period": "Of what (minutes, hours, days)"},
    "SolarSchedule": {
        "event": "A sun event (sunrise...)",
        "latitude": "Latitude",
        "longitude": "Longitude",
    },
    "CrontabSchedule": {
        "minute": "Minute",
        "hour": "Hour",
        "day_of_month": "Day of the month",
        "month_of_year": "Month",
        "day_of_week": "Day of the week",
        "timezone": "Time zone",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "security.AuditEvent": {
        "at": "When",
        "actor": "The account that acted",
        "actor_name": "Its username (or the username typed, for a failed sign-in)",
        "action": "What was done (signed in, opened a page, changed a setting...)",
        "object_id": "Which record it was done to, by number",
        "outcome": "Done, refused, denied or failed",
        "address": "The network (IP) address it came from",
    },
    "security.UserSession": {
        "user": "Your account",
        "session_key": "Which session (a random key)",
        "created_at": "When you signed in",
    },
    "sessions.Session": {
        "session_key": "A random key, also in your browser's cookie",
        "session_data": "Which account is signed in, with which second factor, since when, and "
        "when it was last used",
        "expire_date": "When it ends at the latest",
    },
    "axes.AccessAttempt": {
        **_ACCESS,
        "attempt_time": "When the last try was",
        "get_data": "The address's query, if any",
        "post_data": "What the sign-in form sent, the password masked",
        "failures_since_start": "How many tries failed",
    },
    "axes.AccessAttemptExpiration": {
        "access_attempt": "Which failed tries",
        "expires_at": "When the lockout lifts",
    },
    "axes.AccessFailureLog": {**_ACCESS, "locked_out": "Whether it caused a lockout"},
    "axes.AccessLog": {
        **_ACCESS,
        "logout_time": "When you signed out",
        "session_hash": "A one-way hash of the session key",
    },
    "otp_totp.TOTPDevice": {
        **_DEVICE,
        "key": "The secret your authenticator app shares",
        "step": "How often the code changes",
        "t0": "When the codes start counting",
        "digits": "How many digits a code has",
        "tolerance": "How many codes early or late are taken",
        "drift": "How far your device's clock is off",
        "last_t": "Which code was used last (so it is not taken twice)",
    },
    "otp_static.StaticDevice": _DEVICE,
    "otp_static.StaticToken": {
        "device": "Whose recovery codes",
        "token": "A recovery code not used yet",
    },
    "notifications.Message": {
        "purpose": "Which notice (call-out, check-in notice, reminder...)",
        "subject_type": "What kind of record it is about (an activation, an appointment...)",
        "subject_id": "Which record it is about, by number",
        "recipient_type": "Whether it goes to a person or an account",
        "recipient_id": "Whom it goes to, by number",
        "channel": "Email or text message",
        "recipient_label": "The recipient's name, as the outbox page shows it",
        "state": "Waiting, sending, sent, failed or stopped",
        "attempts": "How many times sending was tried",
        "last_error": "Why the last try failed (may show the address)",
        "due_at": "When it is to go",
        "claimed_at": "When a worker took it to send",
        "sent_at": "When it went",
        "created_at": "When it was written",
    },
    "admin.LogEntry": {
        "action_time": "When",
        "user": "The platform administrator's account",
        "content_type": "What kind of record",
        "object_id": "Which record, by number",
        "object_repr": "The record's name as shown then (may be a person's name)",
        "action_flag": "Added, changed or deleted",
        "change_message": "Which fields changed",
    },
    "auth.Permission": {
        "name": "The permission's name",
        "content_type": "What kind of record",
        "codename": "Its code",
    },
    "auth.Group": {"name": "The group's name", "permissions": "Its permissions"},
    "contenttypes.ContentType": {"app_label": "Which part of the product", "model": "Its name"},
    "django_celery_beat.PeriodicTasks": {
        "ident": "A fixed number",
        "last_update": "When the schedule last changed",
    },
    "django_celery_beat.PeriodicTask": {
        "name": "The job's name",
        "task": "Which job",
        "interval": "Its interval",
        "crontab": "Its times of day",
        "solar": "Its sun-event schedule",
        "clocked": "Its one-off time",
        "args": "Its arguments",
        "kwargs": "Its named arguments",
        "queue": "Its queue",
        "exchange": "Its message exchange",
        "routing_key": "Its routing key",
        "headers": "Its message headers",
        "priority": "Its priority",
        "expires": "When it stops",
        "expire_seconds": "How long a run may wait",
        "one_off": "Whether it runs once only",
        "start_time": "When it starts",
        "enabled": "Whether it is on",
        "last_run_at": "When it last ran",
        "total_run_count": "How many times it ran",
        "date_changed": "When it was last changed",
        "description": "What it does",
    },
    **{f"django_celery_beat.{name}": fields for name, fields in _SCHEDULE.items()},
    # The embedded default's files (notifications/retention.py): one a message, or a day's lines.
    "file:mail": {
        "to": "The address it went to",
        "subject": "Its subject",
        "body": "Its whole text, and any attachment",
        "date": "When it was written",
    },
    "file:sms": {
        "to": "The phone number it went to",
        "body": "Its whole text",
        "at": "When it was written",
    },
}
