"""The whole on-call page is rendered once per agency, page, minute and menu, and each officer is
served that copy with their own sign-out token and name filled in (roster/lookup_cache.py,
config/page_cache.py)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory

from agencies import tenant_db
from agencies.choices import Role
from config import page_cache
from roster.views import oncall as oncall_views
from tests.factories import AgencyFactory, ShiftFactory, member

CHICAGO = ZoneInfo("America/Chicago")
NOON = datetime(2027, 2, 1, 12, tzinfo=CHICAGO)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def kcpd(db):
    agency = AgencyFactory(
        slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd"
    )
    ShiftFactory(peer__agency=agency, peer__person__first_name="Olivia")
    return agency


@pytest.fixture
def renders(monkeypatch):
    """How many times the page template was rendered."""
    count = [0]
    real = oncall_views.render_to_string

    def counted(*args, **kwargs):
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(oncall_views, "render_to_string", counted)
    return count


def _page(client, url="/kcpd/on-call/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def clock():
    with time_machine.travel(NOON.timestamp(), tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_a_second_officer_gets_the_first_ones_page_with_their_own_token_and_name(
    kcpd, login, renders, clock
):
    first = login(member(kcpd, Role.OFFICER, username="officer.one"))
    second = login(member(kcpd, Role.OFFICER, username="officer.two"))
    one, two = _page(first), _page(second)
    assert renders[0] == 1
    assert "officer.one" in one and "officer.one" not in two and "officer.two" in two
    assert "Olivia" in two
    token_one, token_two = TOKEN.search(one)[1], TOKEN.search(two)[1]
    assert token_one != token_two
    # Nothing of the markers is left for anyone to see.
    assert "csrf" not in TOKEN.sub("", two).split("</nav>")[0].replace("csrfmiddlewaretoken", "")
    # The only difference between the two pages is what names the viewer.
    assert one.replace("officer.one", "").replace(token_one, "") == two.replace(
        "officer.two", ""
    ).replace(token_two, "")


@pytest.mark.django_db
def test_the_filled_in_token_signs_the_viewer_out(kcpd, renders, clock):
    clients = []
    for name in ("officer.one", "officer.two"):
        client = Client(enforce_csrf_checks=True)
        with tenant_db.system_scope():
            client.force_login(member(kcpd, Role.OFFICER, username=name))
        clients.append(client)
    _page(clients[0])
    page = _page(clients[1])
    assert renders[0] == 1
    token = TOKEN.search(page)[1]
    assert clients[1].post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert clients[1].get("/kcpd/on-call/").status_code == 302  # signed out: to the login page
    assert clients[0].get("/kcpd/on-call/").status_code == 200


@pytest.mark.django_db
def test_a_viewer_name_is_escaped_where_it_is_filled_in(kcpd, login, clock):
    _page(login(member(kcpd, Role.OFFICER, username="first")))
    page = _page(login(member(kcpd, Role.OFFICER, username="o<b>x")))
    assert "o&lt;b&gt;x" in page and "o<b>x" not in page


@pytest.mark.django_db
def test_another_menu_is_another_copy(kcpd, login, renders, clock):
    officer = _page(login(member(kcpd, Role.OFFICER)))
    coordinator = _page(login(member(kcpd, Role.COORDINATOR)))
    assert renders[0] == 2
    assert "Roster" not in officer.split("</nav>")[0]
    assert officer.split("</nav>")[0] != coordinator.split("</nav>")[0]


@pytest.mark.django_db
def test_the_copy_ends_with_the_minute_it_shows(kcpd, login, renders, clock):
    client = login(member(kcpd, Role.OFFICER))
    clock.move_to(NOON + timedelta(seconds=59))
    assert "12:00" in _page(client)
    clock.move_to(NOON + timedelta(seconds=60))
    page = _page(client)
    assert renders[0] == 2
    assert "12:01" in page and "12:00" not in page


def test_a_viewer_with_a_message_waiting_is_not_served_a_shared_copy():
    request = RequestFactory().get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    assert page_cache.shareable(request)
    messages.info(request, "Welcome back")
    assert not page_cache.shareable(request)


@pytest.mark.django_db
def test_a_waiting_message_is_shown_to_its_viewer_only(kcpd, login, renders, clock):
    first = login(member(kcpd, Role.OFFICER))
    _page(first)
    second = login(member(kcpd, Role.OFFICER))
    # A message left by the page before (the storage is the cookie, then the session).
    storage = CookieStorage(RequestFactory().get("/"))
    response = HttpResponse()
    storage._store([Message(messages.INFO, "Saved.")], response)
    second.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    page = _page(second)
    assert "Saved." in page
    assert renders[0] == 2
    assert "Saved." not in _page(first) and "Saved." not in _page(second)
    assert renders[0] == 2
