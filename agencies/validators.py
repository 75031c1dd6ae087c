import functools
import zoneinfo
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from . import clock

# Kept free for addresses the site does not serve yet.
HELD_FOR_LATER = frozenset({"api", "agencies", "media", "privacy", "state"})


@functools.cache
def reserved_slugs() -> frozenset[str]:
    """Every first path segment the site's own pages use (config/urls.py and what it includes),
    and the static and media prefixes: an agency named like one would hide it or be hidden.
    Read from the URL patterns when first needed (they import the views, so not at import)."""
    from django.conf import settings
    from django.urls import get_resolver

    found = set(HELD_FOR_LATER)
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        found.add(str(prefix or "").strip("/").split("/")[0])
    stack = list(get_resolver().url_patterns)
    while stack:
        pattern = stack.pop()
        route = str(pattern.pattern).lstrip("^")
        first = route.split("/")[0]
        if first.startswith("<") or first.startswith("("):
            continue  # the agency's own pages, /<agency_slug>/...
        if first:
            found.add(first)
        elif hasattr(pattern, "url_patterns"):  # include("...") at the root
            stack.extend(pattern.url_patterns)
    found.discard("")
    return frozenset(found)


def validate_agency_slug(value: str) -> None:
    if value in reserved_slugs():
        raise ValidationError(f'"{value}" is reserved; choose another short name.')


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f'"{value}" is not a known time zone (e.g. America/Chicago).')


@deconstructible
class ChoiceListValidator:
    """A JSON list whose items are all codes of one TextChoices, with no repeats."""

    def __init__(self, choices_path: str) -> None:
        self.choices_path = choices_path

    def _codes(self) -> set[str]:
        from agencies import choices

        return set(getattr(choices, self.choices_path).values)

    def __call__(self, value: object) -> None:
        if not isinstance(value, list):
            raise ValidationError("Must be a list.")
        codes = self._codes()
        bad = [item for item in value if not isinstance(item, str) or item not in codes]
        if bad:
            raise ValidationError(f"Unknown value {bad[0]!r}; allowed: {', '.join(sorted(codes))}.")
        if len(set(value)) != len(value):
            raise ValidationError("A value is listed twice.")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceListValidator) and other.choices_path == self.choices_path


@deconstructible
class TextListValidator:
    """A JSON list of non-empty strings, each at most max_length characters."""

    def __init__(self, max_length: int = 500) -> None:
        self.max_length = max_length

    def __call__(self, value: object) -> None:
        if not isinstance(value, list):
            raise ValidationError("Must be a list of text lines.")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise ValidationError("Every entry must be non-empty text.")
            if len(item) > self.max_length:
                raise ValidationError(f"An entry is longer than {self.max_length} characters.")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextListValidator) and other.max_length == self.max_length


@deconstructible
class DayListValidator:
    """A JSON list of distinct whole numbers of days between 1 and 365."""

    def __call__(self, value: object) -> None:
        if not isinstance(value, list):
            raise ValidationError("Must be a list of numbers of days.")
        for item in value:
            if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= 365:
                raise ValidationError("Every entry must be a whole number of days from 1 to 365.")
        if len(set(value)) != len(value):
            raise ValidationError("A number of days is listed twice.")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DayListValidator)


@deconstructible
class DateBounds:
    """A date (or the agency-local day of a datetime) in a plausible range: not before
    `earliest`, and at most `ahead_days` after today (0: not in the future). `what` names the
    field in the message, e.g. "The hire date"."""

    def __init__(self, *, what: str, earliest: date, ahead_days: int = 0) -> None:
        self.what = what
        self.earliest = earliest
        self.ahead_days = ahead_days

    def latest(self) -> date:
        return clock.today_in_active_zone() + timedelta(days=self.ahead_days)

    def problem(self, value: date | datetime) -> str:
        """What is wrong with the date, in a sentence; empty when it is in range."""
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if value < self.earliest:
            first = self.earliest
            return f"{self.what} cannot be before {first:%B} {first.day}, {first.year}."
        if value > self.latest():
            if not self.ahead_days:
                return f"{self.what} cannot be in the future."
            return f"{self.what} cannot be more than {self.ahead_days} days ahead."
        return ""

    def __call__(self, value: date | datetime | None) -> None:
        if value is not None and (message := self.problem(value)):
            raise ValidationError(message, code="date_out_of_range")

    def check(self, value: date | datetime, *, field: str) -> None:
        """For a service: the same refusal, on the named field."""
        if message := self.problem(value):
            raise ValidationError({field: message})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateBounds) and (other.what, other.earliest, other.ahead_days) == (
            self.what,
            self.earliest,
            self.ahead_days,
        )
