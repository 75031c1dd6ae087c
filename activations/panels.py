from roster.panels import register

from .selectors import accepted_calls


@register
def accepted_assignments(peer):
    calls = accepted_calls(peer=peer)[:10]
    return ("My assignments", "activations/_assignments.html", {"calls": list(calls)})
