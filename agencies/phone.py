import re

_NOT_DIALLED = re.compile(r"[^\d+]")


def dial_string(phone: str) -> str:
    """What a tel: or sms: link dials: the digits before any spoken extra ("988, press 1")."""
    return _NOT_DIALLED.sub("", phone.split(",", 1)[0])


def number_digits(phone: str) -> str:
    """A number as the digits of its E.164 form, to compare numbers written differently: the
    directory's "(816) 555-0142" and the provider's "+18165550142" are both "18165550142". Ten
    digits are a North American number without its country code."""
    digits = dial_string(phone).lstrip("+")
    digits = "".join(ch for ch in digits if ch.isdigit())
    return "1" + digits if len(digits) == 10 else digits
