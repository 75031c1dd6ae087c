from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def shown(figure, threshold) -> str:
    """A count as the reader sees it: the number, "fewer than N", or "hidden"."""
    if figure is None:
        return "hidden"
    value = getattr(figure, "value", figure)
    if value is not None:
        return str(value)
    return f"fewer than {threshold}" if getattr(figure, "small", False) else "hidden"


@register.filter
def or_hidden(value) -> str:
    """A measure that rides on a count (hours, peers), hidden with it."""
    return "hidden" if value is None else str(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


PEER_ROW = '<tr><td>{}</td><td class="text-end">{:d}</td><td class="text-end">{:d}</td></tr>'


@register.simple_tag
def peer_rows(by_peer) -> str:
    """The per-peer table's rows (name, contacts, minutes) in one pass, the name escaped and
    the counts numbers (`:d`): for a team of a thousand peers a template loop, or format_html
    on each row, cost more than the rest of the page."""
    return mark_safe(  # each name escaped, the rest integers
        "".join(PEER_ROW.format(escape(name), n, minutes) for name, n, minutes in by_peer)
    )
