"""The product's URL patterns, walked once for every test that goes through all of them (the
isolation sweep, the bad-input sweep, the CSV exports, the reserved short names, the role grid's
coverage), and how to fill one in with an agency's short name and one of its objects."""

from django.urls import URLPattern, URLResolver, get_resolver

AGENCY = "<slug:agency_slug>"


def routes(patterns=None, prefix=""):
    """(route, url name, view) for every pattern, included ones too; the Django admin aside
    (the platform admin's own site, behind staff status and two-step sign-in)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name, p.callback


def agency_routes():
    """The routes under an agency's address: the pages a member reaches by role."""
    return [r for r in routes() if AGENCY in r[0]]


# For each page taking an object id: which of an agency's objects to put in it (compensation's
# "approve" has no id; the activation's does).
OBJECT_OF = {
    "resource_edit": "resource", "resource_delete": "resource", "partner_answer": "partnership",
    "peer": "peer", "peer_status": "peer", "peer_agreement": "peer", "peer_training": "peer",
    "peer_memo": "peer", "peer_role": "peer", "peer_restore": "peer", "memo_decide": "memo",
    "application": "application", "application_interview": "application",
    "application_decide": "application", "person": "person", "people_import_confirm": "upload",
    "shift_delete": "shift", "retry": "message", "detail": "activation", "status": "activation",
    "approve": "activation", "decline": "activation", "close": "activation", "add": "activation",
    "external": "activation", "ask_partner": "activation",
    "partner_request_decide": "assistance", "edit": "usage", "withdraw": "usage",
    "run": "run", "run_publish": "run", "run_discard": "run", "request_decide": "reschedule",
    "missed_decide": "missed", "reschedule": "appointment", "explain": "missed",
    "provider_completed": "appointment", "provider_missed": "appointment",
    "remove_day_off": "day_off",
}  # fmt: skip


def fill(route: str, name: str, slug: str, objects: dict) -> str:
    url = "/" + route.replace(AGENCY, slug)
    if "<int:pk>" in url:
        key = OBJECT_OF[name]
        url = url.replace("<int:pk>", str(objects[key].pk))
    return url.replace("<slug:key>", "incident_types")
