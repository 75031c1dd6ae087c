from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.home, name="home"),
    path("program/", views.program, name="program"),
    path("program/resources/", views.resource_list, name="resource_list"),
    path("program/resources/new/", views.resource_edit, name="resource_new"),
    path("program/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("program/resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("policy/", views.policy_summary, name="policy"),
    path("partners/", views.partners, name="partners"),
    path("partners/<int:pk>/answer/", views.partner_answer, name="partner_answer"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/<slug:key>/", views.settings_list, name="settings_list"),
]
