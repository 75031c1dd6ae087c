from django.shortcuts import render

from agencies.decorators import requires

from .. import privacy


@requires("privacy.view")
def privacy_page(request, agency_slug):
    return render(
        request,
        "usage_reports/privacy.html",
        {
            "everyone": privacy.stored_about("everyone"),
            "peer": privacy.stored_about("peer"),
            "records": privacy.stored_about("nobody"),
            "actions": privacy.actions_recorded(),
            "usage_fields": privacy.usage_form_fields(),
            "outreach_fields": privacy.outreach_fields(),
        },
    )
