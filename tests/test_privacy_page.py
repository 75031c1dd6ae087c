"""The privacy page (issue 14, item 5): every store of every installed app, each field in plain
words, who can read it and how long it is kept; the status flags only where the agency's policy
reads them; folded into <details> so it reads on a phone."""

import html
import re

import pytest
from django.apps import apps

from agencies.choices import Role
from agencies.permissions import ACTIONS
from tests.factories import member
from usage_reports import privacy
from usage_reports.privacy import labels
from usage_reports.privacy.stores import STORES

pytestmark = pytest.mark.django_db


def _page(login, user, slug="clayton") -> str:
    response = login(user).get(f"/{slug}/privacy/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_every_model_of_every_installed_app_is_a_store_on_the_privacy_page():
    everything = {m._meta.label for m in apps.get_models() if not m._meta.auto_created}
    assert privacy.unclassified() == []
    assert everything <= {s.key for s in STORES}
    # Not only the project's own apps: the audit log, sessions, lockouts, the beat schedule.
    for key in ("security.AuditEvent", "sessions.Session", "security.UserSession",
                "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
                "notifications.Message", "django_celery_beat.PeriodicTask", "admin.LogEntry",
                "otp_totp.TOTPDevice", "file:mail", "file:sms"):  # fmt: skip
        assert key in privacy.STORE_BY_KEY


def test_every_field_of_every_installed_model_has_a_plain_words_label():
    assert privacy.unlabelled() == []
    assert privacy.stale_labels() == []
    for model in privacy.installed_models():
        for field in privacy.stored_fields(model):
            label = labels.label(model._meta.label, field.name)
            # Not the model's automatic name ("recipient id", "claimed at"); one plain word
            # ("latitude") may be its own label.
            if "_" in field.name:
                assert label.lower() != field.name.replace("_", " "), (model, field.name)


def test_every_store_says_who_can_read_it_and_how_long_it_is_kept(agency):
    for store in STORES:
        assert set(store.read_by) <= set(ACTIONS), store.key
        assert privacy.readers(store, agency.policy), store.key
        assert privacy.kept(store), store.key
        assert store.purpose, store.key


def test_the_page_shows_every_store_its_readers_how_long_and_every_field(login, users, agency):
    page = _page(login, users[Role.OFFICER])
    for group in privacy.groups(agency.policy):
        assert group.heading in page
        for entry in group.entries:
            assert f'id="store-{entry.key.replace(".", "").replace(":", "").lower()}"' in page
            for text in [entry.title, entry.purpose, entry.kept, *entry.readers]:
                assert text in page, (entry.key, text)
            for field in entry.fields:
                assert field.label in page, (entry.key, field.label)
    assert page.count("Who can read it") == page.count("How long it is kept") == len(STORES)
    # No field names in place of words.
    for machine_words in ("subject type", "recipient id", "claimed at", "token hash"):
        assert machine_words not in page.lower()


def test_the_page_folds_into_details_and_has_no_inline_script_or_style(login, users):
    raw = login(users[Role.PEER]).get("/clayton/privacy/").content.decode()
    opened = raw.count("<details")
    assert opened == raw.count("</details>") == raw.count("<summary>") == len(STORES) + 8
    assert not re.search(r"<details[^>]* open", raw)  # every section starts folded
    assert not re.search(r"<script(?![^>]*\bsrc=)", raw)
    assert not re.search(r"\s(style|onclick|ontoggle)=", raw)


def test_how_long_each_record_is_kept_follows_the_retention_settings(login, users, settings):
    settings.RETENTION_AUDIT_DAYS = 400
    settings.RETENTION_SIGNIN_ATTEMPTS_DAYS = 45
    settings.RETENTION_OUTBOX_DAYS = 14
    page = _page(login, users[Role.OFFICER])
    assert "400 days (the CJIS Security Policy asks for at least a year)" in page
    assert "45 days after the last try" in page
    assert "14 days after it was sent" in page


def test_status_flags_show_only_where_the_policy_reads_them_with_who_and_why(
    login, users, agency, other_agency
):
    # Clayton's policy excludes probationary officers only.
    page = _page(login, users[Role.OFFICER])
    assert "On probation (yes or no)" in page
    lead = agency.policy.lead_title
    assert f"Read by the {lead}, to decide eligibility for the team under the agency's" in page
    assert "Subject of a criminal investigation (yes or no)" not in page
    assert "room for: " in page and "subject of a criminal investigation" in page

    officer = member(other_agency, Role.OFFICER)  # KCPD: three flags exclude
    page = _page(login, officer, "kcpd")
    for flag in ("criminal_investigation", "pending_discipline", "post_suspension"):
        label = labels.label("roster.Person", flag)
        assert f'{label} <span class="privacy-note">Read by the ' in page, flag
    assert "to decide eligibility for the team under the agency's policy" in page
    assert "keep the member off call-outs while on leave" in page  # administrative leave


def test_the_embedded_defaults_files_say_whether_this_server_writes_them(login, users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = "/tmp/mail"
    assert "This server writes them." in _page(login, users[Role.OFFICER])
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMS_BACKEND = "notifications.sms.HttpSmsBackend"
    assert "so it writes none" in _page(login, users[Role.OFFICER])


def test_who_reads_follows_the_permission_map(agency):
    outbox = privacy.readers(privacy.STORE_BY_KEY["notifications.Message"], agency.policy)
    audit = privacy.readers(privacy.STORE_BY_KEY["security.AuditEvent"], agency.policy)
    assert outbox[0] == f"The agency administrator, the {agency.policy.lead_title}."
    assert audit[0] == "The agency administrator."
    lockouts = privacy.readers(privacy.STORE_BY_KEY["axes.AccessAttempt"], agency.policy)
    assert "The platform administrator, on the administration pages." in lockouts
