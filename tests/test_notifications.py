import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from agencies.choices import Role
from notifications.models import Message, State
from notifications.sms import HttpSmsBackend, PermanentError, TransientError, TwilioSmsBackend
from tests.factories import member


class FakeTwilio(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 201

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        FakeTwilio.received.append(
            {"path": self.path, "auth": self.headers["Authorization"], **form}
        )
        self.send_response(FakeTwilio.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        answer = {"sid": "SM1"} if FakeTwilio.status < 400 else {"code": 21211, "message": "No"}
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sms_api(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeTwilio.received = []
    FakeTwilio.status = 201
    settings.SMS_API_URL = f"http://127.0.0.1:{server.server_port}/2010-04-01"
    settings.SMS_ACCOUNT_SID = "AC123"
    settings.SMS_AUTH_TOKEN = "secret"
    settings.SMS_FROM = "+18165550000"
    yield FakeTwilio
    server.shutdown()


def test_the_twilio_backend_sends_through_the_library_and_returns_the_message_id(fake_sms_api):
    assert TwilioSmsBackend().send("+18165550142", "Call-out: answer here") == "SM1"
    (request,) = fake_sms_api.received
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["To"] == ["+18165550142"]
    assert request["From"] == ["+18165550000"]
    assert request["Body"] == ["Call-out: answer here"]
    assert request["auth"].startswith("Basic ")


@pytest.mark.parametrize(("status", "error"), [(503, TransientError), (429, TransientError),
                                               (400, PermanentError)])  # fmt: skip
def test_server_errors_are_transient_and_refusals_permanent(fake_sms_api, status, error):
    fake_sms_api.status = status
    with pytest.raises(error):
        TwilioSmsBackend().send("+18165550142", "x")


def test_an_unreachable_service_is_transient(settings):
    settings.SMS_API_URL = "http://127.0.0.1:1"
    with pytest.raises(TransientError):
        TwilioSmsBackend().send("+18165550142", "x")


def test_the_old_http_backend_name_still_sends_through_twilio():
    assert HttpSmsBackend is TwilioSmsBackend


@pytest.mark.django_db
@pytest.mark.system_scope
def test_outbox_page_shows_states_and_only_this_agencys_messages(
    login, users, agency, other_agency
):
    Message.objects.create(agency=agency, purpose="callout", subject_type="x", subject_id=1,
                           recipient_type="person", recipient_id=1, recipient_label="Ava Peer",
                           channel="sms", state=State.FAILED, last_error="Bad number",
                           due_at="2026-01-01T00:00Z")  # fmt: skip
    Message.objects.create(agency=other_agency, purpose="callout", subject_type="x",
                           subject_id=2, recipient_type="person", recipient_id=2,
                           recipient_label="Kc Person", channel="sms",
                           due_at="2026-01-01T00:00Z")  # fmt: skip
    text = login(users[Role.COORDINATOR]).get("/clayton/outbox/").content.decode()
    assert "Ava Peer" in text and "Bad number" in text
    assert "Kc Person" not in text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_failed_message_can_be_sent_again_but_not_another_agencys(
    login, users, agency, other_agency
):
    mine = Message.objects.create(agency=agency, purpose="callout", subject_type="x",
                                  subject_id=1, recipient_type="person", recipient_id=1,
                                  channel="sms", state=State.FAILED,
                                  due_at="2026-01-01T00:00Z")  # fmt: skip
    client = login(users[Role.COORDINATOR])
    client.post(reverse("notifications:retry", args=["clayton", mine.pk]))
    assert Message.objects.get(pk=mine.pk).state in {State.PENDING, State.CANCELLED}
    outsider = member(other_agency, Role.COORDINATOR, username="coordinator.kcpd")
    response = login(outsider).post(reverse("notifications:retry", args=["kcpd", mine.pk]))
    assert response.status_code == 404
