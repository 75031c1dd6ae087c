import re

_NOT_DIALLED = re.compile(r"[^\d+]")


def dial_string(phone: str) -> str:
    """What a tel: or sms: link dials: the digits before any spoken extra ("988, press 1")."""
    return _NOT_DIALLED.sub("", phone.split(",", 1)[0])
