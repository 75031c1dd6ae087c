from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def flag_label(code):
    from agencies.choices import StatusFlag

    return dict(StatusFlag.choices).get(code, code)
