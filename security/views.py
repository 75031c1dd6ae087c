"""Setting up and using the second factor; the agency admin's audit log and lockouts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from agencies.decorators import requires
from agencies.shortcuts import attempt

from . import audit, lockout, mfa, selectors
from .forms import TokenForm
from .models import Outcome


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok and target.startswith("/") else "/"


def _privileged(user) -> bool:
    return mfa.second_step_required(user)


@never_cache
@login_required
def mfa_setup(request):
    device = mfa.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = request.user.get_username()
        if lockout.is_locked(request, username=username):
            audit.record(request=request, action="mfa setup", outcome=Outcome.DENIED)
            return lockout.refused(request, username=username)
        codes = mfa.confirm(request, device, form.cleaned_data["token"])
        if codes is None:
            form.add_error("token", "That code is not right; check the time on your phone.")
            audit.record(request=request, action="mfa setup", outcome=Outcome.REFUSED)
        else:
            lockout.completed(request, username=username)
            audit.record(request=request, action="mfa setup")
            context = {"codes": codes, "next": _next(request)}
            return render(request, "security/recovery_codes.html", context)
    return render(
        request,
        "security/mfa_setup.html",
        {"form": form, "qr": mfa.qr_svg(device), "secret": device.bin_key.hex(),
         "base32": _base32(device), "next": _next(request),
         "required": _privileged(request.user)},
    )  # fmt: skip


def _base32(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@never_cache
@login_required
def mfa_verify(request):
    if not user_has_device(request.user):
        return redirect(f"/accounts/mfa/setup/?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = request.user.get_username()
        result = mfa.verify(request, token=form.cleaned_data["token"])
        if result == mfa.LOCKED:
            return lockout.refused(request, username=username)
        if result == mfa.SIGNED_IN:
            return redirect(_next(request))
        form.add_error("token", "That code is not right.")
    return render(request, "security/mfa_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def security_page(request):
    return render(
        request,
        "security/security.html",
        {
            "has_device": user_has_device(request.user),
            "verified": request.user.is_verified(),
            "codes_left": mfa.remaining_codes(request.user),
            "required": _privileged(request.user),
        },
    )


@require_POST
@login_required
def new_codes(request):
    if not request.user.is_verified():
        messages.error(request, "Enter a code from your authenticator first.")
        return redirect("/accounts/mfa/verify/?next=/accounts/security/")
    codes = mfa.new_recovery_codes(request.user)
    audit.record(request=request, action="mfa recovery codes renewed")
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": "/"})


@requires("audit.view")
def audit_log(request, agency_slug):
    page = Paginator(selectors.audit_events(agency=request.agency), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "security/audit.html", {"page": page})


@requires("audit.view")
def lockouts(request, agency_slug):
    attempts = selectors.failed_sign_ins(agency=request.agency)[:100]
    return render(request, "security/lockouts.html", {"attempts": attempts})


@require_POST
@requires("audit.view")
def unlock(request, agency_slug):
    username = request.POST.get("username", "")[:150]
    ok, _ = attempt(
        lambda: lockout.unlock(agency=request.agency, username=username, actor=request.user),
        request=request,
    )
    if ok:
        messages.success(request, f"{username} may sign in again.")
    return redirect("security:lockouts", agency_slug=agency_slug)
