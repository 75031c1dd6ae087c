"""The code a call-out's text carries, and reading a peer's reply to it ("Y 4821", "no 4821").

A reply names its call-out by the code, always, even when the peer has only one open: a bare
"Y" could otherwise answer a call-out that came in after the peer read the one they meant."""

import re
import secrets
from dataclasses import dataclass

DIGITS = 4
# Never a leading zero: some phones and carriers drop it from a number typed on its own.
_LOWEST, _COUNT = 10 ** (DIGITS - 1), 9 * 10 ** (DIGITS - 1)
ANSWERS = {"y": True, "yes": True, "accept": True, "n": False, "no": False, "decline": False}
# The provider's own opt-out and opt-in words (Twilio answers them itself and sends nothing
# more to a number that opted out): no answer of ours follows.
PROVIDER_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "start", "unstop"}

_WORD_THEN_CODE = re.compile(r"(?P<word>[a-z]+)[\s\-:#.,]*(?P<code>\d+)?[\s.!]*", re.IGNORECASE)
_CODE_THEN_WORD = re.compile(r"(?P<code>\d+)[\s\-:#.,]*(?P<word>[a-z]+)[\s.!]*", re.IGNORECASE)


@dataclass(frozen=True)
class Reply:
    accept: bool | None  # None: neither a yes nor a no
    code: str  # "" when there is none, or it is not a code's length
    provider_word: bool = False


def parse(body: str) -> Reply:
    text = body.strip()
    match = _WORD_THEN_CODE.fullmatch(text) or _CODE_THEN_WORD.fullmatch(text)
    if match is None:
        return Reply(accept=None, code="")
    word, code = match["word"].casefold(), match["code"] or ""
    if word in PROVIDER_WORDS and not code:
        return Reply(accept=None, code="", provider_word=True)
    return Reply(accept=ANSWERS.get(word), code=code if len(code) == DIGITS else "")


def draw() -> str:
    return str(_LOWEST + secrets.randbelow(_COUNT))


def new_code(taken: set[str]) -> str:
    """A random code none of `taken` (the peer's open call-outs' codes) has. Random rather than
    counted, so a code says nothing of how many call-outs there were and cannot be guessed from
    the last one."""
    if len(taken) >= _COUNT:
        raise ValueError("Every reply code is in use")
    while True:
        code = draw()
        if code not in taken:
            return code
