from django import template

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
