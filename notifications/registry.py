"""Each app registers how to render its notices; the outbox knows nothing of their subjects."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Rendered:
    to: str
    subject: str
    body: str
    attachments: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Purpose:
    label: str
    render: Callable  # (message) -> Rendered | None; None cancels the message
    forget_after_send: bool = False  # outreach: once sent, not even the row stays
    on_sent: Callable | None = None  # (message) -> None, in the transaction that records it


_PURPOSES: dict[str, Purpose] = {}


def register(key: str, *, label: str, forget_after_send: bool = False, on_sent=None):
    def decorator(render):
        _PURPOSES[key] = Purpose(
            label=label, render=render, forget_after_send=forget_after_send, on_sent=on_sent
        )
        return render

    return decorator


def get(key: str) -> Purpose | None:
    return _PURPOSES.get(key)


def label(key: str) -> str:
    purpose = _PURPOSES.get(key)
    return purpose.label if purpose else key
