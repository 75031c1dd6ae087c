"""Twilio's inbound-text webhook (issue 18): a reply is taken only when X-Twilio-Signature is the
account's signature of the public address (SITE_URL) and the posted form; anything else is a 403
that changes nothing. The answer goes back as TwiML, and no failure is ever a 500."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from twilio.request_validator import RequestValidator

from activations.models import CallOut, CallState
from activations.services import sms_replies
from tests.factories import AgencyFactory, PeerFactory
from tests.support.scopes import built

pytestmark = pytest.mark.django_db

TOKEN = "twilio-auth-token"
AVA = "+18165550142"


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.SMS_AUTH_TOKEN = TOKEN
    settings.SITE_URL = "https://peers.example.org"


@pytest.fixture
def call(open_activation) -> CallOut:
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    ava = PeerFactory(agency=kcpd, person__phone="(816) 555-0142")
    open_activation(kcpd)
    return built(lambda: CallOut.objects.get(peer=ava))()


@built
def state_of(call: CallOut) -> str:
    return CallOut.objects.get(pk=call.pk).state


def path() -> str:
    return reverse("activation_links:sms_inbound")


def form(call: CallOut, body: str = "Y {code}") -> dict[str, str]:
    """What Twilio posts for an inbound text (the fields the webhook reads, and a few more)."""
    return {
        "MessageSid": "SM0123456789abcdef0123456789abcdef",
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": AVA,
        "To": "+18165550000",
        "Body": body.format(code=call.reply_code),
        "NumMedia": "0",
    }


def signature(params: dict[str, str], *, url: str = "", token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(
        url or "https://peers.example.org" + path(), params
    )


def post(params: dict[str, str], sig: str | None):
    headers = {} if sig is None else {"HTTP_X_TWILIO_SIGNATURE": sig}
    # CSRF enforced, as a browser's POST would be: the signature stands in for the token.
    return Client(enforce_csrf_checks=True).post(path(), params, **headers)


def test_a_signed_reply_is_answered_with_twiml_saying_what_happened(call):
    params = form(call)
    response = post(params, signature(params))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    body = response.content.decode()
    assert "<Response><Message>Peer Support Team: Thank you: you are on this assignment." in body
    assert state_of(call) == CallState.ACCEPTED


def test_a_signed_reply_naming_no_callout_gets_the_help_text(call):
    params = form(call, body="Y")
    response = post(params, signature(params))
    assert response.status_code == 200
    assert "e.g. Y 4821" in response.content.decode()
    assert state_of(call) == CallState.CALLED


@pytest.mark.parametrize(
    "forged",
    [
        "missing",
        "another account's token",
        "the request's own address",  # behind a proxy Twilio signed SITE_URL's, not this one
        "another body",
    ],
)
def test_an_unsigned_or_badly_signed_reply_is_refused_and_changes_nothing(call, forged):
    params = form(call)
    sig = {
        "missing": None,
        "another account's token": signature(params, token="someone-elses-token"),
        "the request's own address": signature(params, url="http://testserver" + path()),
        "another body": signature(form(call, body="N {code}")),
    }[forged]
    response = post(params, sig)
    assert response.status_code == 403
    assert state_of(call) == CallState.CALLED


def test_without_an_auth_token_no_reply_is_taken(call, settings):
    params = form(call)
    sig = signature(params)
    settings.SMS_AUTH_TOKEN = ""
    assert post(params, sig).status_code == 403
    assert state_of(call) == CallState.CALLED


def test_the_webhook_takes_only_posts(call):
    assert Client().get(path()).status_code == 405


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection unexpectedly"), KeyError("bug")]
)
def test_a_failure_behind_the_webhook_is_a_polite_try_again_never_a_500(call, monkeypatch, error):
    def broken(**kwargs):
        raise error

    monkeypatch.setattr(sms_replies, "respond", broken)
    params = form(call)
    response = post(params, signature(params))
    assert response.status_code == 200
    assert "Please send it again in a minute" in response.content.decode()
    assert state_of(call) == CallState.CALLED


def test_an_opt_out_word_is_answered_with_empty_twiml(call):
    params = form(call, body="STOP")
    response = post(params, signature(params))
    assert response.status_code == 200
    assert "<Message>" not in response.content.decode()
    assert state_of(call) == CallState.CALLED
