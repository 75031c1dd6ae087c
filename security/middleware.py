"""Session limits, the MFA requirement for privileged roles, and the audit of privileged
requests."""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from agencies.permissions import needs_second_factor as needs_second_factor_in

from . import audit
from .models import Outcome

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
# Roles that must sign in with a second factor before any of their pages (issue: CJIS 5.6.2.2).
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz/", "/callouts/")


class SessionLimitsMiddleware:
    """30 minutes without a request, or 12 hours since signing in, and the session is over."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get("auth_started", now)
            seen = request.session.get("last_seen", now)
            if now - seen > IDLE_SECONDS or now - started > ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Your session ended; please sign in again.")
                return redirect_to_login(request.get_full_path())
            if "auth_started" not in request.session:
                request.session["auth_started"] = started
            # A minute's precision is enough, and spares a session write on most requests.
            if now - seen >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


def needs_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if request.path.startswith(("/admin/", "/platform/")):
        return user.is_staff
    return needs_second_factor_in(getattr(request, "roles", ()))


class MfaRequiredMiddleware:
    """After AgencyMiddleware has found the user's roles: a privileged role without a verified
    second factor in this session is sent to set one up, or to enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(MFA_EXEMPT_PREFIXES) or not needs_second_factor(request):
            return None
        from django_otp import user_has_device

        target = "security:mfa_verify" if user_has_device(request.user) else "security:mfa_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


EXPORT_FORMATS = {"csv", "pdf", "ics"}


class AuditMiddleware:
    """Every change made under an agency's pages (a POST), and every export, is logged with
    its outcome. Only the URL's name and object id are kept: never what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        agency = getattr(request, "agency", None)
        if match is None or agency is None or not request.user.is_authenticated:
            return response
        export = request.method == "GET" and (
            request.GET.get("format") in EXPORT_FORMATS or (match.url_name or "").endswith("export")
        )
        if request.method != "POST" and not export:
            return response
        status = response.status_code
        if getattr(request, "audit_outcome", None):
            outcome = request.audit_outcome  # the view knows better (a 200 that succeeded)
        elif status in (403, 404):
            outcome = Outcome.DENIED
        elif request.method == "POST" and (status == 200 or _refused_with_a_message(request)):
            # The form came back with its errors, or the page it returns to says why not.
            outcome = Outcome.REFUSED
        elif status >= 400:
            outcome = Outcome.FAILED
        else:
            outcome = Outcome.DONE
        object_id = next(
            (str(v) for k, v in match.kwargs.items() if k != "agency_slug" and isinstance(v, int)),
            "",
        )
        action = match.view_name
        if export and request.GET.get("format") in EXPORT_FORMATS:
            action += f" ({request.GET['format']})"
        audit.record(request=request, action=action, outcome=outcome, object_id=object_id)
        return response


class RejectNulMiddleware:
    """A NUL character has no place in any field, and PostgreSQL cannot store one: a request
    carrying one is answered with a clear 400 before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [*request.GET.lists()]
        if request.method == "POST":
            values += [*request.POST.lists()]
        if any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values):
            from django.shortcuts import render

            return render(request, "400.html", {"reason": "bad character"}, status=400)
        return self.get_response(request)


def _refused_with_a_message(request) -> bool:
    """A view that refuses and redirects leaves an error message for the next page; the
    messages added during this request are still queued when this middleware sees it."""
    from django.contrib import messages

    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued)
