from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from roster.forms import SignInLinkForm
from roster.services import signin
from security import audit, lockout
from security.models import Outcome


@never_cache
def request_link(request):
    form = SignInLinkForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        signin.request_link(email=form.cleaned_data["email"])
        sent = True  # the same answer whether or not the address is known
    return render(request, "roster/signin_request.html", {"form": form, "sent": sent})


@never_cache
def use_link(request, token):
    """GET only shows a button: a mail scanner following the link does not use it up."""
    if request.method == "POST":
        owner = signin.link_owner(token=token)
        if owner is not None and lockout.is_locked(request, username=owner.get_username()):
            # Locked out as for a password; the link stays unused, and expires as it would.
            audit.record(request=request, action="login link", outcome=Outcome.DENIED, actor=owner)
            return lockout.refused(request, username=owner.get_username())
        user = signin.consume_link(token=token)
        if user is not None:
            request.signed_in_by_link = True  # the sign-in's audit entry says how
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
        state = signin.link_state(token=token)
    else:
        state = signin.link_state(token=token)
    return render(request, "roster/signin_use.html", {"state": state}, status=200)
