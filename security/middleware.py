"""Session limits, the MFA requirement for privileged roles, and the audit of what no service
records: privileged pages denied, and exports."""

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
    """What no service sees: a change (a POST) under an agency's pages that the page itself
    denied (403, 404), and every export with its outcome. The services record their own writes
    (security/audit.py's `audited`); the request they run in gives them its network address.
    Only the URL's name and object id are kept: never what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.in_request(request):
            response = self.get_response(request)
            self._record(request, response)
        return response

    def _record(self, request, response) -> None:
        match = getattr(request, "resolver_match", None)
        agency = getattr(request, "agency", None)
        if match is None or agency is None or not request.user.is_authenticated:
            return
        fmt = request.GET.get("format") if request.method == "GET" else None
        export = request.method == "GET" and (
            fmt in EXPORT_FORMATS or (match.url_name or "").endswith("export")
        )
        status = response.status_code
        denied = status in (403, 404)
        if export:
            outcome = (
                Outcome.DENIED if denied else Outcome.FAILED if status >= 400 else Outcome.DONE
            )
        elif request.method == "POST" and denied and not audit.recorded_in_this_request():
            outcome = Outcome.DENIED  # a service that denied it has said so already
        else:
            return
        action = match.view_name + (f" ({fmt})" if fmt in EXPORT_FORMATS else "")
        audit.record(
            request=request, action=action, outcome=outcome, object_id=audit.url_object_id(request)
        )


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
