from django.shortcuts import render

from agencies.decorators import requires

from .. import privacy


@requires("privacy.view")
def privacy_page(request, agency_slug):
    return render(
        request,
        "usage_reports/privacy.html",
        {
            "groups": privacy.groups(request.policy),
            "actions": privacy.actions_recorded(),
            "usage_fields": privacy.usage_form_fields(),
            "outreach_fields": privacy.outreach_fields(),
        },
    )
