"""Every CSV the program hands out is written here, so that no cell of it runs as a formula in
the spreadsheet it is opened in (OWASP, "CSV Injection"), and the directory import reads an
exported file back as it was typed.

A text cell that a spreadsheet could take for a formula or a command gets one single quote in
front, which makes the spreadsheet show it as text:

- it starts with = + - or @, or with their full-width forms (U+FF1D, U+FF0B, U+FF0D,
  U+FF20: spreadsheets with an East Asian input setting read them as the ASCII signs), even
  after spaces (a spreadsheet set to trim spaces on import drops them and reads what follows);
- or it starts with a tab, carriage return or line feed, which a spreadsheet may drop before
  reading what follows (OWASP names the first two; a line feed is the same trick).

A text cell holding a separator a spreadsheet might split on (comma, semicolon, tab) or a quote
or line break is wrapped in double quotes, so no part of it becomes a cell of its own that could
start a formula. Numbers (int, float, Decimal) are written as they are: a negative figure stays
a number, and so does text that is only a number ("-2.5"), which no spreadsheet runs.

The quote is added to any text that starts with quotes before such a sign, too, so that
`as_typed`, which takes exactly one off, gives back what was there before the export."""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"  # and the full-width = + - @
# What a spreadsheet could run, after any quotes this module or a person put in front.
_RUNS = re.compile(rf"'*(?:[\t\r\n]|\s*[{re.escape(SIGNS)}])")
_ESCAPED = re.compile(rf"'+(?:[\t\r\n]|\s*[{re.escape(SIGNS)}])")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_NEEDS_QUOTES = re.compile(r'[,;\t"\r\n]')


def safe_text(text: str) -> str:
    """The text as a spreadsheet shows it and never runs it."""
    if _RUNS.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def as_typed(text: str) -> str:
    """A cell of a file this module wrote, as it was before: the one quote `safe_text` added
    comes off. Text not starting with a quote before a sign is kept as it is."""
    return text[1:] if _ESCAPED.match(text) and not _NUMBER.fullmatch(text[1:]) else text


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool too: True, False
        return str(value)
    text = safe_text(str(value))
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def line(values: Iterable[Any]) -> str:
    cells = [cell(v) for v in values]
    # One empty cell is written "" so the line does not read as an empty line (as csv does).
    return ('""' if cells == [""] else ",".join(cells)) + "\r\n"


def text(rows: Iterable[Iterable[Any]]) -> str:
    return "".join(line(r) for r in rows)


def response(filename: str, rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """The rows as a CSV download named `filename` (made by the program, not typed)."""
    out = HttpResponse(content_type="text/csv; charset=utf-8")
    out["Content-Disposition"] = f'attachment; filename="{filename}"'
    for r in rows:
        out.write(line(r))
    return out
