"""The link in a call-out: signed, tied to one call-out of one agency, valid for a day, and
usable without signing in. It only opens a page; answering takes a button press (a POST), so a
mail scanner that follows links changes nothing."""

from django.core import signing

SALT = "activations.callout"
MAX_AGE = 24 * 60 * 60


def make(*, callout_id: int, agency_id: int) -> str:
    return signing.dumps({"c": callout_id, "a": agency_id}, salt=SALT, compress=True)


def read(token: str) -> tuple[int, int]:
    """(call-out id, agency id); raises signing.SignatureExpired or signing.BadSignature."""
    data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    if not isinstance(data, dict) or not {"c", "a"} <= set(data):
        raise signing.BadSignature("Malformed call-out token")
    return int(data["c"]), int(data["a"])
