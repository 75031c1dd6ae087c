"""A peer's answer to a call-out by text: "Y 4821" or "N 4821" from the phone the call-out went
to. The reply is matched to the call-out by the sender's number and the code together, across
agencies (a lent peer answers another agency's call-out), and answered through the same
service as the link, so the limit, the stand-down and the supervisor notice hold as they do
there. Returns the text to send back; empty when none should be.

Nothing of a reply is kept but the answer it makes: not its words, not the number it came from
(neither is logged; the number is compared with the directory's and then forgotten)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from activations import reply_codes, tokens
from activations.answer_words import told
from activations.models import CallOut, CallState, Status
from agencies import tenant_db
from agencies.phone import number_digits
from agencies.transient import retry_transient

from .answers import respond

EXAMPLE = "Y 4821"
HOW = (
    f"Reply Y or N with the 4-digit code from the call-out, e.g. {EXAMPLE}: the code says which "
    "call-out you are answering."
)
NOT_FOUND = (
    "No open call-out sent to this phone has that code. Check the code in the call-out's text, "
    "or answer by its link."
)
TWO_MATCH = (
    "That code is on more than one call-out sent to this phone: please answer each by its link."
)
TRY_AGAIN = (
    "Sorry, your answer could not be taken just now and nothing was changed. Please send it "
    "again in a minute, or answer by the call-out's link."
)
# A reply works as long as the call-out's link does.
ANSWERABLE_FOR = timedelta(seconds=tokens.MAX_AGE)


@dataclass(frozen=True)
class _Found:
    callout: CallOut | None
    several: bool = False


def answer(*, from_number: str, body: str) -> str:
    reply = reply_codes.parse(body)
    if reply.provider_word:
        return ""
    if reply.accept is None or not reply.code:
        return HOW
    found = retry_transient(_find)(number=number_digits(from_number), code=reply.code)
    if found.several:
        return TWO_MATCH
    call = found.callout
    if call is None:
        return NOT_FOUND
    # Answered in the call-out's own agency, as its link is: the activation's rows are its.
    with tenant_db.agency_scope(call.agency_id):
        outcome = retry_transient(respond)(callout=call, accept=reply.accept)
        return _words(call.pk, outcome)


def _find(*, number: str, code: str) -> _Found:
    """The call-out the code names among those sent to the number: an open one first; else the
    latest that ended, so a second reply is told what the first did. Looked for in every
    agency, as a beat sweep looks for what is due: a number is not an agency's."""
    if not number:
        return _Found(None)
    since = timezone.now() - ANSWERABLE_FOR
    with tenant_db.system_scope():
        calls = [
            call
            for call in CallOut.objects.filter(reply_code=code, called_at__gte=since)
            .select_related("peer__person")
            .order_by("-called_at", "-id")
            if number_digits(call.peer.person.phone) == number
        ]
    open_ = [call for call in calls if call.state == CallState.CALLED]
    if len(open_) > 1:
        return _Found(None, several=True)
    return _Found((open_ or calls or [None])[0])


def _words(callout_id: int, outcome: str) -> str:
    call = CallOut.objects.select_related("activation", "agency__policy").get(pk=callout_id)
    policy = call.agency.policy
    said = told(
        outcome,
        activation_open=call.activation.status == Status.OPEN,
        tells_supervisor=policy.peer_notifies_supervisor,
    )
    return f"{policy.team_name}: {said.words}"
