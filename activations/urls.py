from django.urls import path

from . import views

app_name = "activations"

urlpatterns = [
    path("activations/", views.activation_list, name="list"),
    path("activations/<int:pk>/", views.activation_detail, name="detail"),
    path("activations/<int:pk>/status/", views.activation_status, name="status"),
    path("activations/<int:pk>/approve/", views.activation_approve, name="approve"),
    path("activations/<int:pk>/decline/", views.activation_decline, name="decline"),
    path("activations/<int:pk>/close/", views.activation_close, name="close"),
    path("activations/<int:pk>/add/", views.activation_add, name="add"),
    path("activations/<int:pk>/external/", views.activation_external, name="external"),
    path("activations/<int:pk>/ask-partner/", views.ask_partner, name="ask_partner"),
    path("activations/partner-requests/", views.partner_requests, name="partner_requests"),
    path("outreach/", views.outreach, name="outreach"),
    path(
        "activations/partner-requests/<int:pk>/decide/",
        views.partner_request_decide,
        name="partner_request_decide",
    ),
]

# Outside the agency's signed-in pages: the link in a call-out works without an account.
public_urlpatterns = [
    path("callouts/<slug:slug>/<str:token>/", views.respond, name="respond"),
    # Set as the Twilio number's "A message comes in" webhook (HTTP POST).
    path("sms/twilio/inbound/", views.sms_inbound, name="sms_inbound"),
]
