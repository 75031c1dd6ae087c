"""What a peer is told of their answer to a call-out, in the same words on the link's page and
in the text that answers a reply by SMS. `outcome` is what `services.answers.respond` returned."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Told:
    words: str
    style: str  # the page's alert: success, secondary, info or danger


def told(outcome: str, *, activation_open: bool, tells_supervisor: bool) -> Told:
    stood_down_why = "enough peers accepted" if activation_open else "the activation is closed"
    if outcome == "accepted":
        words = "Thank you: you are on this assignment."
        if tells_supervisor:
            words += (
                " Your supervisor has been told you are on a peer support assignment,"
                " without any detail."
            )
        return Told(words, "success")
    return {
        "declined": Told("You declined; the next peer is being called.", "secondary"),
        "full": Told("Enough peers have already accepted. Thank you.", "info"),
        "closed": Told("This activation is closed.", "info"),
        "cancelled": Told(
            f"You were stood down: {stood_down_why}. Your answer is not needed.", "info"
        ),
        "already_accepted": Told("You had already accepted.", "info"),
        "already_declined": Told("You had already declined.", "info"),
        "bad_answer": Told("Choose Accept or Decline.", "danger"),
    }[outcome]
