"""Two-way SMS (issue 18): each call-out's text carries a code, and a reply "Y 4821" or
"N 4821" from the phone it went to answers it through the same service as the link. Test bodies
run unscoped, as a webhook request starts: the reply finds its call-out in every agency and
answers in the call-out's own."""

import io
import logging

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from activations import reply_codes
from activations.models import CallOut, CallState
from activations.services import activation as activation_service
from activations.services import callouts as callout_service
from activations.services import sms_replies
from activations.services.answers import respond
from agencies import tenant_db
from agencies.choices import Role
from agencies.phone import number_digits
from notifications.models import Message
from notifications.sms import LocmemSmsBackend
from tests.factories import AgencyFactory, PeerFactory, PersonFactory, member
from tests.support.scopes import building, built

pytestmark = pytest.mark.django_db

AVA = "+18165550142"
BEN = "+18165550143"


@pytest.fixture(autouse=True)
def _clear_sms():
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


@pytest.fixture
def boss(kcpd):
    return PersonFactory(agency=kcpd, first_name="Sergeant", phone="")


@pytest.fixture
def ava(kcpd, boss):
    # Written as the directory has it; the provider sends E.164.
    return PeerFactory(
        agency=kcpd, person__last_name="Adams", person__phone="(816) 555-0142",
        person__commanding_officer=boss,
    )  # fmt: skip


@pytest.fixture
def ben(kcpd):
    return PeerFactory(agency=kcpd, person__last_name="Baker", person__phone="816.555.0143")


@built
def callout_of(peer) -> CallOut:
    return CallOut.objects.filter(peer=peer).latest("called_at", "id")


@built
def state_of(call: CallOut) -> str:
    return CallOut.objects.get(pk=call.pk).state


@built
def call_one_more(activation) -> None:
    with tenant_db.agency_scope(activation.agency_id), transaction.atomic():
        callout_service.call_next(callout_service.lock(activation.pk), count=1)


@pytest.mark.parametrize(
    ("body", "accept", "code"),
    [
        ("Y 4821", True, "4821"),
        ("y4821", True, "4821"),
        (" Yes 4821 ", True, "4821"),
        ("YES  4821!", True, "4821"),
        ("accept 4821", True, "4821"),
        ("4821 y", True, "4821"),
        ("N 4821", False, "4821"),
        ("no 4821", False, "4821"),
        ("n-4821", False, "4821"),
        ("Decline 4821.", False, "4821"),
    ],
)
def test_a_reply_is_read_in_any_case_and_spacing(body, accept, code):
    assert reply_codes.parse(body) == reply_codes.Reply(accept=accept, code=code)


@pytest.mark.parametrize(
    ("body", "accept", "code"),
    [
        ("Y", True, ""),  # a code is always needed
        ("yes", True, ""),
        ("Y 48", True, ""),  # not a code's length
        ("Y 482100", True, ""),
        ("maybe 4821", None, "4821"),
        ("on my way", None, ""),
        ("", None, ""),
        ("4821", None, ""),
    ],
)
def test_a_reply_without_a_yes_or_no_and_a_code_is_not_an_answer(body, accept, code):
    assert reply_codes.parse(body) == reply_codes.Reply(accept=accept, code=code)


@pytest.mark.parametrize(
    "written", ["(816) 555-0142", "816.555.0142", "+1 816 555 0142", "18165550142", "+18165550142"]
)
def test_a_number_written_any_way_compares_by_its_e164_digits(written):
    assert number_digits(written) == number_digits(AVA) == "18165550142"


def test_the_providers_own_opt_out_words_get_no_answer_of_ours():
    assert reply_codes.parse(" STOP ").provider_word
    assert sms_replies.answer(from_number=AVA, body="stop") == ""


def test_each_callout_text_asks_for_a_reply_with_its_code_and_keeps_the_link(
    kcpd, ava, open_activation
):
    open_activation(kcpd)
    code = callout_of(ava).reply_code
    assert len(code) == 4 and code.isdigit()
    (text,) = LocmemSmsBackend.outbox
    assert f"Reply Y {code} to accept, N {code} to decline." in text["body"]
    assert "/callouts/kcpd/" in text["body"]


def test_without_sms_replies_the_text_asks_for_none(kcpd, ava, open_activation, settings):
    settings.SMS_REPLIES = False
    open_activation(kcpd)
    (text,) = LocmemSmsBackend.outbox
    assert "Reply Y" not in text["body"] and "/callouts/kcpd/" in text["body"]


def test_a_peers_open_callouts_never_share_a_code_and_one_ended_frees_it(
    kcpd, ava, open_activation, monkeypatch
):
    draws = iter(["4821", "4821", "5930", "4821"])
    monkeypatch.setattr(reply_codes, "draw", lambda: next(draws))
    first = open_activation(kcpd)
    open_activation(kcpd)  # ava is still waiting on the first: 4821 is hers, 5930 is drawn
    with building():
        codes = list(CallOut.objects.filter(peer=ava).order_by("id").values_list("reply_code"))
        first_call = CallOut.objects.get(activation=first)
    assert codes == [("4821",), ("5930",)]
    with tenant_db.agency_scope(kcpd.pk):
        respond(callout=first_call, accept=False)
    open_activation(kcpd)  # the first call-out ended: its code may be drawn again
    assert callout_of(ava).reply_code == "4821"


def test_a_code_taken_by_a_callout_this_scope_cannot_see_is_drawn_again(
    kcpd, ava, open_activation, monkeypatch
):
    open_activation(kcpd)
    taken = callout_of(ava).reply_code
    # As if the first call-out were another agency's: the read misses it, the constraint not.
    codes = iter([taken, "7777" if taken != "7777" else "7778"])
    monkeypatch.setattr(reply_codes, "new_code", lambda _taken: next(codes))
    open_activation(kcpd)
    assert callout_of(ava).reply_code in {"7777", "7778"}


def test_the_database_refuses_two_open_callouts_of_a_peer_with_one_code(kcpd, ava, open_activation):
    first = open_activation(kcpd)
    second = open_activation(kcpd)
    with building():
        code = CallOut.objects.get(activation=first).reply_code
        with pytest.raises(IntegrityError), transaction.atomic():
            CallOut.objects.filter(activation=second).update(reply_code=code)


def test_a_reply_y_accepts_stands_the_others_down_and_tells_the_supervisor(
    kcpd, ava, ben, open_activation
):
    activation = open_activation(kcpd)  # one peer needed: ava, first by name
    call_one_more(activation)  # ben too, as a second wave would
    a, b = callout_of(ava), callout_of(ben)
    reply = sms_replies.answer(from_number=AVA, body=f"y{a.reply_code}")
    assert reply == (
        "Peer Support Team: Thank you: you are on this assignment. Your supervisor has been told "
        "you are on a peer support assignment, without any detail."
    )
    assert state_of(a) == CallState.ACCEPTED
    assert state_of(b) == CallState.CANCELLED  # the limit is reached: ben is stood down
    with building():
        assert Message.objects.filter(purpose="supervisor_notice").count() == 1
    later = sms_replies.answer(from_number=BEN, body=f"Yes {b.reply_code}")
    assert later == (
        "Peer Support Team: You were stood down: enough peers accepted. Your answer is not needed."
    )
    again = sms_replies.answer(from_number=AVA, body=f"Y {a.reply_code}")
    assert again == "Peer Support Team: You had already accepted."


def test_a_reply_n_declines_and_the_next_peer_is_called(kcpd, ava, ben, open_activation):
    open_activation(kcpd)
    a = callout_of(ava)
    reply = sms_replies.answer(from_number=AVA, body=f"N {a.reply_code}")
    assert reply == "Peer Support Team: You declined; the next peer is being called."
    assert state_of(a) == CallState.DECLINED
    assert state_of(callout_of(ben)) == CallState.CALLED


def test_a_reply_to_a_closed_activation_says_so(kcpd, ava, open_activation):
    activation = open_activation(kcpd)
    with tenant_db.agency_scope(kcpd.pk):
        activation_service.close(activation=activation, actor=member(kcpd, Role.COORDINATOR))
    reply = sms_replies.answer(from_number=AVA, body=f"Y {callout_of(ava).reply_code}")
    assert reply == "Peer Support Team: This activation is closed."


@built
def messages_and_states() -> tuple[int, list[str]]:
    return Message.objects.count(), list(CallOut.objects.values_list("state", flat=True))


@pytest.mark.parametrize(
    ("number", "body", "told"),
    [
        (AVA, "Y", sms_replies.HOW),  # even with one call-out open, the code says which
        (AVA, "yes please", sms_replies.HOW),
        (AVA, "Y {wrong}", sms_replies.NOT_FOUND),
        ("+13125550199", "Y {code}", sms_replies.NOT_FOUND),  # nobody's number
        ("", "Y {code}", sms_replies.NOT_FOUND),
    ],
)
def test_a_reply_that_names_no_callout_gets_help_and_changes_nothing(
    kcpd, ava, open_activation, number, body, told
):
    open_activation(kcpd)
    code = callout_of(ava).reply_code
    wrong = "1000" if code != "1000" else "1001"
    before = messages_and_states()
    assert sms_replies.answer(from_number=number, body=body.format(code=code, wrong=wrong)) == told
    assert messages_and_states() == before
    assert "e.g. Y 4821" in sms_replies.HOW


def test_another_agencys_callout_cannot_be_answered_from_a_number_it_was_not_sent_to(
    kcpd, ava, open_activation
):
    other = AgencyFactory(slug="other", preset="kcpd")
    PeerFactory(agency=other, person__phone="(816) 555-0199")
    open_activation(kcpd)
    code = callout_of(ava).reply_code
    assert sms_replies.answer(from_number="+18165550199", body=f"Y {code}") == (
        sms_replies.NOT_FOUND
    )
    assert state_of(callout_of(ava)) == CallState.CALLED


def test_a_peer_of_another_agency_answers_its_callout_by_text(open_activation):
    clayton = AgencyFactory(slug="clayton", preset="clayton")
    peer = PeerFactory(agency=clayton, person__phone="+1 (314) 555-0111")
    open_activation(clayton)
    reply = sms_replies.answer(from_number="+13145550111", body=f"Y {callout_of(peer).reply_code}")
    assert reply.startswith("Wellness Team: Thank you: you are on this assignment.")
    assert state_of(callout_of(peer)) == CallState.ACCEPTED


def test_the_sms_reply_command_answers_prints_and_sends_the_reply(kcpd, ava, open_activation):
    open_activation(kcpd)
    LocmemSmsBackend.outbox.clear()
    out = io.StringIO()
    call_command("sms_reply", AVA, f"Y {callout_of(ava).reply_code}", stdout=out)
    assert "Thank you: you are on this assignment." in out.getvalue()
    (sent,) = LocmemSmsBackend.outbox
    assert sent["to"] == AVA and sent["body"] == out.getvalue().strip()
    assert state_of(callout_of(ava)) == CallState.ACCEPTED


def test_nothing_of_a_reply_is_stored_or_logged_but_the_answer(kcpd, ava, open_activation, caplog):
    open_activation(kcpd)
    call = callout_of(ava)
    caplog.set_level(logging.DEBUG)
    # The provider's form of her number is nowhere in the directory, which writes it otherwise.
    assert sms_replies.answer(from_number=AVA, body=f"  yes   {call.reply_code}  ")
    sms_replies.answer(from_number="+13125550199", body="Y 1234 zebra-canary")
    dump = io.StringIO()
    with tenant_db.system_scope():
        call_command("dumpdata", stdout=dump)
    for trace in ("8165550142", "3125550199", "zebra-canary", f"yes   {call.reply_code}"):
        assert trace not in dump.getvalue()
        assert trace not in caplog.text
    assert state_of(call) == CallState.ACCEPTED
