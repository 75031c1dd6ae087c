from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from config import health, page_cache
from security import audit

from . import selectors, services
from .access import resources_version_key
from .choices import ChainStep, ContactMode, MemberClass, ServedGroup
from .decorators import requires
from .forms import LIST_FORMS, PolicyForm, ResourceForm, list_formset
from .models import Resource
from .permissions import home_actions
from .policy_io import LIST_MODELS, list_item_fields
from .policy_io import PolicyDocumentError as DocumentError
from .shortcuts import attempt, found_or_404


def healthz(request: HttpRequest) -> HttpResponse:
    # Plain lines a probe or a person can read; the broker's state informs but never fails the
    # check, since pages and the outbox work without it.
    database = health.database_state()
    overall = "ok" if database == "ok" else "down"
    body = f"{overall}\ndatabase: {database}\nbroker: {health.broker_state()}\n"
    return HttpResponse(body, content_type="text/plain", status=200 if database == "ok" else 503)


@login_required
def chooser(request):
    memberships = selectors.agencies_for_user(user_id=request.user.pk)
    if len(memberships) == 1:
        return redirect("agencies:home", agency_slug=memberships[0][0].slug)
    rows = [
        (agency, [selectors.role_title(agency.policy, r) for r in roles])
        for agency, roles in memberships
    ]
    return render(request, "agencies/chooser.html", {"rows": rows})


# The same for every member with the same roles: rendered once a minute for all of them
# (config/page_cache.py), each viewer's copy with their own sign-out token and name.
SHARED_SECONDS = 60


@requires("agency.view")
def home(request, agency_slug):
    policy = request.policy

    def rendered(overrides: dict) -> tuple[str, int]:
        context = {
            "actions": home_actions(request.roles, request.policy),
            "role_titles": [selectors.role_title(policy, r) for r in sorted(request.roles)],
            **overrides,
        }
        return render_to_string("agencies/home.html", context, request), SHARED_SECONDS

    return HttpResponse(page_cache.shared(request=request, name="home", render=rendered))


@requires("program.view")
def program(request, agency_slug):
    """Served while no resource of the agency has changed since (a change replaces the
    version)."""
    policy = request.policy

    def rendered(overrides: dict) -> tuple[str, int]:
        context = {
            "resources": selectors.resources_for(agency=request.agency),
            "contact_modes": _or_list([_MODE_PHRASES.get(m, m) for m in policy.contact_modes]),
            "served": _labels(ServedGroup, policy.served_groups),
            "covered": _labels(MemberClass, policy.covered_member_classes),
            **overrides,
        }
        return render_to_string("agencies/program.html", context, request), SHARED_SECONDS

    return HttpResponse(
        page_cache.shared(
            request=request,
            name="program",
            render=rendered,
            version_key=resources_version_key(request.agency.pk),
        )
    )


@requires("policy.view")
def policy_summary(request, agency_slug):
    policy = request.policy
    form = PolicyForm(instance=policy)
    sections = [
        (title, [(bf.label, _display(bf), policy.sources.get(bf.name, "")) for bf in fields])
        for title, fields in form.sections()
    ]
    lists = []
    for key, model in LIST_MODELS.items():
        names = [f.name for f in list_item_fields(model) if f.name not in {"code", "source"}]
        items = selectors.active_entries(agency=request.agency, model=model)
        lists.append((LIST_FORMS[key][0], key, names, items, policy.sources.get(key, "")))
    return render(
        request,
        "agencies/policy.html",
        {
            "sections": sections,
            "lists": lists,
            "chain": _labels(ChainStep, policy.activation_chain),
        },
    )


@requires("policy.edit")
def settings_view(request, agency_slug):
    policy = selectors.get_policy(agency=request.agency)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        if audit.form_valid(request, form):
            services.save_policy(
                policy=form.instance, changed_fields=form.changed_data, actor=request.user
            )
            messages.success(request, "Policy saved.")
            return redirect("agencies:settings", agency_slug=agency_slug)
        messages.error(request, "Nothing was saved: please correct the fields marked below.")
    return render(
        request,
        "agencies/settings.html",
        {"form": form, "sources": policy.sources, "list_forms": LIST_FORMS},
    )


@requires("policy.edit")
def settings_list(request, agency_slug, key):
    if key not in LIST_FORMS:
        raise Http404
    title, form_class = LIST_FORMS[key]
    model = LIST_MODELS[key]
    fields = list(form_class.base_fields)
    initial = [
        {name: getattr(obj, name) for name in fields}
        for obj in selectors.active_entries(agency=request.agency, model=model)
    ]
    formset_class = list_formset(key)
    formset = formset_class(request.POST or None, initial=initial, prefix=key)
    if request.method == "POST":
        if audit.form_valid(request, formset):
            try:
                services.save_settings_list(
                    agency=request.agency, key=key, items=formset.items(), actor=request.user
                )
            except DocumentError as exc:
                messages.error(request, f"Nothing was saved: {exc.summary()}")
            else:
                messages.success(request, f"{title} saved.")
                return redirect("agencies:settings_list", agency_slug=agency_slug, key=key)
        else:
            messages.error(request, "Nothing was saved: please correct the rows marked below.")
    return render(
        request,
        "agencies/settings_list.html",
        {"formset": formset, "title": title, "key": key, "list_forms": LIST_FORMS},
    )


@requires("resources.edit")
def resource_list(request, agency_slug):
    return render(
        request,
        "agencies/resource_list.html",
        {"resources": selectors.resources_for(agency=request.agency)},
    )


@requires("resources.edit")
def resource_edit(request, agency_slug, pk=None):
    resource = _resource_or_404(request, pk) if pk else Resource(agency=request.agency)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and audit.form_valid(request, form):
        services.save_resource(resource=form.instance, actor=request.user)
        messages.success(request, f"“{resource.name}” saved.")
        return redirect("agencies:resource_list", agency_slug=agency_slug)
    return render(request, "agencies/resource_form.html", {"form": form, "resource": resource})


@require_POST
@requires("resources.edit")
def resource_delete(request, agency_slug, pk):
    resource = _resource_or_404(request, pk)
    services.delete_resource(resource=resource, actor=request.user)
    messages.success(request, f"“{resource.name}” removed.")
    return redirect("agencies:resource_list", agency_slug=agency_slug)


def _resource_or_404(request, pk) -> Resource:
    return found_or_404(selectors.get_resource, agency=request.agency, pk=pk)


_MODE_PHRASES = {
    ContactMode.IN_PERSON: "in person",
    ContactMode.PHONE: "by phone",
    ContactMode.VIRTUAL: "virtually",
}


def _or_list(words: list[str]) -> str:
    return " or ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _labels(choices_cls, codes: list[str]) -> list[str]:
    names = dict(choices_cls.choices)
    return [names.get(code, code) for code in codes]


def _display(bound_field) -> str:
    value = bound_field.value()
    field = bound_field.field
    if hasattr(field, "choices") and field.choices:
        names = {str(k): v for k, v in field.choices}
        if isinstance(value, list | tuple):
            return ", ".join(str(names.get(str(v), v)) for v in value) or "—"
        return str(names.get(str(value), value if value not in (None, "") else "—"))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    return "—" if value in (None, "") else str(value)


@requires("partners.manage")
def partners(request, agency_slug):
    if request.method == "POST":
        ok, _ = attempt(
            lambda: services.propose_partnership(
                agency=request.agency,
                partner_slug=request.POST.get("partner", "")[:40],
                actor=request.user,
            ),
            request=request,
        )
        if ok:
            messages.success(request, "Proposed; the other agency's administrator must accept.")
        return redirect("agencies:partners", agency_slug=agency_slug)
    return render(
        request,
        "agencies/partners.html",
        {"rows": selectors.partnerships_of(agency=request.agency)},
    )


@require_POST
@requires("partners.manage")
def partner_answer(request, agency_slug, pk):
    found_or_404(selectors.get_partnership, agency=request.agency, pk=pk)
    accept = request.POST.get("answer") == "accept"
    ok, _ = attempt(
        lambda: services.answer_partnership(
            agency=request.agency, partnership_id=pk, accept=accept, actor=request.user
        ),
        request=request,
    )
    if ok:
        messages.success(request, "Partnership accepted." if accept else "Partnership ended.")
    return redirect("agencies:partners", agency_slug=agency_slug)
