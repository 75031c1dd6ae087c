"""What each audit action code means, in plain words: the one map from a recorded code to the
label the audit page shows.

The codes are the ones security/audit.py is given: the sign-in events of security/signals.py
and the second step in security/views.py; for every change under an agency's pages, the URL
name of the page it is made on, which the service making it records (`audited`), as its page
does for a form it sends back and the middleware for a page it denies; and for an export, the
page's URL name with the format in brackets ("usage_reports:quarterly (csv)"), recorded by the
middleware. tests/test_audit_page.py fails when a code the code base can record has no label
here."""

# The sign-in events and the account's own pages, recorded outside any agency.
ACCOUNT = {
    "login": "Sign-in with a password",
    "login link": "Sign-in with an emailed link",
    "login failed": "Sign-in refused: a wrong password, or a locked account",
    "mfa setup": "Set up two-step sign-in",
    "mfa verify": "Entered an authenticator code at sign-in",
    "mfa recovery code": "Sign-in with a recovery code",
    "mfa recovery codes renewed": "Made new recovery codes",
}

# Changes and exports under an agency's pages, by the page's URL name. A page that only shows
# something is named for what it shows: it is recorded only for an export of it, or for a form
# sent to it that it denied.
PAGES = {
    "activations:add": "Added peers to an activation",
    "activations:approve": "Approved an activation",
    "activations:ask_partner": "Asked a partner agency for peers",
    "activations:close": "Closed an activation",
    "activations:decline": "Declined an activation",
    "activations:detail": "An activation's page",
    "activations:external": "Recorded outside help for an activation",
    "activations:list": "Activated the team, or asked for it",
    "activations:outreach": "Sent outreach",
    "activations:partner_request_decide": "Answered a partner agency's request for peers",
    "activations:partner_requests": "Partner agencies' requests for peers",
    "activations:status": "An activation's status",
    "agencies:home": "The agency's home page",
    "agencies:partner_answer": "Answered a partnership proposal",
    "agencies:partners": "Proposed a partnership",
    "agencies:policy": "The policy summary",
    "agencies:program": "The program page",
    "agencies:resource_delete": "Deleted a resource",
    "agencies:resource_edit": "Edited a resource",
    "agencies:resource_list": "The resources list",
    "agencies:resource_new": "Added a resource",
    "agencies:settings": "Changed the policy settings",
    "agencies:settings_list": "Changed a settings list",
    "checkins:compliance": "The check-in compliance list",
    "checkins:explain": "Explained a missed check-in",
    "checkins:export": "Exported the check-in compliance list",
    "checkins:mine": "Own check-in page",
    "checkins:missed_decide": "Decided on a missed check-in",
    "checkins:program": "Changed the check-in program",
    "checkins:provider": "The provider's agenda",
    "checkins:provider_completed": "Marked a check-in completed",
    "checkins:provider_missed": "Marked a check-in missed",
    "checkins:request_decide": "Decided on a check-in date request",
    "checkins:requests": "Check-in date requests",
    "checkins:reschedule": "Asked for a new check-in date",
    "checkins:run": "A scheduler run",
    "checkins:run_discard": "Discarded a scheduler run",
    "checkins:run_publish": "Published a scheduler run",
    "checkins:runs": "Ran the check-in scheduler",
    "notifications:outbox": "The outbox",
    "notifications:retry": "Sent a notice again",
    "roster:application": "A peer application",
    "roster:application_decide": "Decided on a peer application",
    "roster:application_interview": "Recorded a peer applicant's interview",
    "roster:application_new": "Entered a peer application",
    "roster:applications": "Peer applications",
    "roster:lookup": "Who is on call",
    "roster:me": "Changed own availability",
    "roster:push_subscribe": "Had a device get own call-outs by push",
    "roster:push_unsubscribe": "Stopped call-outs by push on own device(s)",
    "roster:memo_decide": "Decided on a memo about a peer",
    "roster:peer": "A peer's page",
    "roster:peer_agreement": "Recorded a peer's signed agreement",
    "roster:peer_memo": "Wrote a memo about a peer",
    "roster:peer_restore": "Restored a peer to the team",
    "roster:peer_role": "Changed a peer's team role",
    "roster:peer_status": "Changed a peer's status",
    "roster:peer_training": "Recorded a peer's training",
    "roster:people": "The personnel directory",
    "roster:people_export": "Exported the personnel directory",
    "roster:people_import": "Uploaded a personnel file to import",
    "roster:people_import_confirm": "Imported a personnel file",
    "roster:person": "Edited a person in the directory",
    "roster:person_new": "Added a person to the directory",
    "roster:print": "The printable on-call roster",
    "roster:schedule": "Added an on-call shift",
    "roster:shift_delete": "Deleted an on-call shift",
    "roster:team": "The team roster",
    "security:audit": "The audit log",
    "security:lockouts": "Locked sign-ins",
    "security:unlock": "Unlocked a locked sign-in",
    "usage_reports:all": "All usage reports",
    "usage_reports:approve": "Approved or declined off-duty consults for compensation",
    "usage_reports:day_off": "Recorded a day off taken",
    "usage_reports:remove_day_off": "Removed a recorded day off",
    "usage_reports:compensation": "The compensation report",
    "usage_reports:edit": "Corrected a usage report",
    "usage_reports:evaluation": "The evaluation report",
    "usage_reports:file": "Filed a usage report",
    "usage_reports:mine": "Own usage reports",
    "usage_reports:privacy": "The privacy page",
    "usage_reports:quarterly": "The quarterly report",
    "usage_reports:stats": "The statistics page",
    "usage_reports:withdraw": "Withdrew a usage report",
}

# The platform admin's acts on an agency (the roles of agencies/admin.py), recorded in that
# agency's log by agencies/services.py.
PLATFORM = {
    "role granted": "Gave a role (platform admin)",
    "role revoked": "Took a role away (platform admin)",
    "role rule overridden": "Gave a role the policy's rule refuses, with a reason (platform admin)",
}

LABELS = {**ACCOUNT, **PAGES, **PLATFORM}

EXPORT_NAMES = {"csv": "CSV", "pdf": "PDF", "ics": "calendar"}


def label(code: str) -> str:
    """The plain words for a code; a code with no label (an old row, say) shows as it is."""
    base, _, rest = code.partition(" (")
    if rest.endswith(")") and base in PAGES:
        fmt = rest[:-1]
        page = PAGES[base]
        if not page.startswith("Exported "):
            page = f"Exported {page[0].lower()}{page[1:]}"
        return f"{page} ({EXPORT_NAMES.get(fmt, fmt)})"
    return LABELS.get(code, code)
