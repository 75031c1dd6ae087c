"""The bad-input sweep: hypothesis throws arbitrary input at every form and query string of the
product, and the CSV import, as a member holding every role. Never a 500; and whenever the
request is refused (the form comes back, or a message says why), nothing was written."""

import re

import pytest
from django.apps import apps
from django.contrib.messages import constants
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.choices import Role
from tests.factories import AgencyFactory, member
from tests.support.objects import one_of_everything
from tests.support.routes import fill, routes

# Rows these tables gain on any request (the audit of the request itself, sessions, sign-in
# bookkeeping) are not writes of the request's own.
BOOKKEEPING = {"security.AuditEvent", "security.UserSession", "sessions.Session"}
NASTY = st.sampled_from(
    ["", " ", "0", "-1", "1e400", "99999999999999999999", "2099-01-01T10:00", "1900-01-01",
     "not-a-date", "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "null", "[]", "{}",
     "é" * 300, "x" * 5000, "yes", "no", "on", "accept", "approve", "csv", "pdf"]
)  # fmt: skip
TEXT = st.text(max_size=40) | NASTY
AGENCY_ROUTES = sorted(
    {(route, name) for route, name, _ in routes() if route.startswith("<slug:agency_slug>")}
)


def field_names(html: str) -> list[str]:
    names = set(re.findall(r'name="([^"]+)"', html)) - {"csrfmiddlewaretoken", "viewport"}
    return sorted(names) or ["value"]


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in BOOKKEEPING
    }


def refused(response) -> bool:
    if response.status_code in (200, 400, 403, 404, 405):
        return True
    stored = getattr(response, "wsgi_request", None)
    found = list(getattr(stored, "_messages", []) or [])
    return any(m.level == constants.ERROR for m in found)


@pytest.fixture
def everything(agency, db):
    user = member(agency, *Role.values, username="all.roles.clayton")
    objects = one_of_everything(agency, AgencyFactory(slug="third", preset="slmpd"),
                                peer_user=user)  # fmt: skip
    return user, objects


SWEEP = settings(
    max_examples=8, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), AGENCY_ROUTES)
@SWEEP
@given(data=st.data())
def test_no_input_to_any_page_answers_500_or_writes_half(login, agency, everything, route, name,
                                                         data):  # fmt: skip
    user, objects = everything
    client = login(user)
    url = fill(route, name, agency.slug, objects)
    page = client.get(url)
    assert page.status_code < 500
    fields = field_names(page.content.decode()) if page.status_code == 200 else ["value"]
    fields += ["period", "format", "page", "decision", "answer", "partner", "username"]
    query = data.draw(st.dictionaries(st.sampled_from(fields), TEXT, max_size=4))
    assert client.get(url, query).status_code < 500
    payload = data.draw(st.dictionaries(st.sampled_from(fields), TEXT | st.lists(TEXT, max_size=3),
                                        max_size=len(fields)))  # fmt: skip
    before = counts()
    response = client.post(url, payload)
    assert response.status_code < 500, (url, payload)
    if refused(response):
        assert counts() == before, (url, payload)


@pytest.mark.django_db
@SWEEP
@given(text=st.text(max_size=600) | NASTY, name=st.sampled_from(["people.csv", "x.txt", ""]))
def test_any_csv_upload_gets_a_preview_or_a_message_never_a_500(login, agency, everything, text,
                                                                  name):  # fmt: skip
    user, _ = everything
    client = login(user)
    upload = SimpleUploadedFile(name or "f", text.encode("utf-8", "replace"))
    before = counts()["roster.Person"]
    response = client.post(f"/{agency.slug}/roster/people/import/", {"file": upload})
    assert response.status_code < 500
    assert counts()["roster.Person"] == before  # a preview only: nothing is imported yet
