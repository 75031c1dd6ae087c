from django import template

register = template.Library()


@register.simple_tag
def shown(data, value):
    kept = data.shown(value)
    return f"fewer than {data.threshold}" if kept is None else kept


@register.simple_tag
def incident_count(data, year, label):
    return shown(data, year.by_incident.get(label, 0))
