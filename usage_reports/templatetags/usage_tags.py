from django import template
from django.utils.html import format_html_join

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


@register.simple_tag
def peer_rows(by_peer) -> str:
    """The per-peer table's rows (name, contacts, minutes), escaped, in one pass: a team of a
    thousand peers cost a template loop most of the page's time."""
    return format_html_join(
        "", '<tr><td>{}</td><td class="text-end">{}</td><td class="text-end">{}</td></tr>', by_peer
    )
