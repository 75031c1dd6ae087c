from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies import clock
from agencies.decorators import requires
from agencies.shortcuts import attempt, found_or_404
from roster import eligibility, selectors
from roster.forms import ApplicationForm, DecisionForm, InterviewForm
from roster.services import team as team_services
from security import audit


@requires("application.view")
def application_list(request, agency_slug):
    applications = selectors.applications_for(agency=request.agency)[:200]
    return render(request, "roster/applications.html", {"applications": applications})


@requires("roster.manage")
def application_new(request, agency_slug):
    form = ApplicationForm(
        request.POST or None, initial={"submitted_on": clock.today(request.agency)}
    )
    if request.method == "POST" and audit.form_valid(request, form):
        data = form.cleaned_data
        person = selectors.person_by_number(
            agency=request.agency, employee_number=data["employee_number"]
        )
        if person is None:
            form.add_error("employee_number", "Nobody in the directory has this number.")
            audit.page_refused(request)
        else:
            ok, application = attempt(
                lambda: team_services.submit_application(
                    person=person,
                    submitted_on=data["submitted_on"],
                    letter_received=data["letter_received"],
                    recommended_by=data["recommended_by"],
                    actor=request.user,
                ),
                form=form,
            )
            if ok:
                messages.success(request, f"Application of {person.full_name} recorded.")
                return redirect("roster:application", agency_slug=agency_slug, pk=application.pk)
    return render(request, "roster/application_new.html", {"form": form})


def _page(request, application, interview_form=None, decision_form=None):
    policy = request.policy
    findings = eligibility.check(application.peer.person, policy, today=clock.today(request.agency))
    return render(
        request,
        "roster/application.html",
        {
            "application": application,
            "findings": findings,
            "eligible": eligibility.is_eligible(findings),
            "blockers": team_services.blocking_reasons(application),
            "may_decide": request.can("application.decide"),
            "interview_form": interview_form or InterviewForm(),
            "decision_form": decision_form or DecisionForm(),
        },
    )


@requires("application.view")
def application_detail(request, agency_slug, pk):
    application = found_or_404(selectors.get_application, agency=request.agency, pk=pk)
    return _page(request, application)


@require_POST
@requires("roster.manage")
def application_interview(request, agency_slug, pk):
    application = found_or_404(selectors.get_application, agency=request.agency, pk=pk)
    form = InterviewForm(request.POST)
    if audit.form_valid(request, form):
        ok, _ = attempt(
            lambda: team_services.record_interview(
                application=application, actor=request.user, **form.cleaned_data
            ),
            form=form,
        )
        if ok:
            messages.success(request, "Interview recorded.")
            return redirect("roster:application", agency_slug=agency_slug, pk=pk)
    messages.error(request, "Nothing was changed: please correct the interview form.")
    return _page(request, application, interview_form=form)


@require_POST
@requires("application.view")
def application_decide(request, agency_slug, pk):
    application = found_or_404(selectors.get_application, agency=request.agency, pk=pk)
    form = DecisionForm(request.POST)
    if audit.form_valid(request, form):
        ok, _ = attempt(
            lambda: team_services.decide_application(
                application=application,
                approve=form.cleaned_data["decision"] == "approve",
                actor=request.user,
                roles=request.roles,
                reason=form.cleaned_data["reason"],
            ),
            request=request,
        )
        if ok:
            messages.success(request, "Decision recorded.")
            return redirect("roster:application", agency_slug=agency_slug, pk=pk)
    return _page(request, application, decision_form=form)
