from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from roster.forms import SignInLinkForm
from roster.services import signin


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
        user = signin.consume_link(token=token)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
        state = signin.link_state(token=token)
    else:
        state = signin.link_state(token=token)
    return render(request, "roster/signin_use.html", {"state": state}, status=200)
