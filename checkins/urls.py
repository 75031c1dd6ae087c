from django.urls import path

from .views import manage, officer, provider

app_name = "checkins"

urlpatterns = [
    path("checkins/", manage.compliance, name="compliance"),
    path("checkins/export.csv", manage.export, name="export"),
    path("checkins/program/", manage.program, name="program"),
    path("checkins/runs/", manage.run_list, name="runs"),
    path("checkins/runs/<int:pk>/", manage.run_detail, name="run"),
    path("checkins/runs/<int:pk>/publish/", manage.run_publish, name="run_publish"),
    path("checkins/runs/<int:pk>/discard/", manage.run_discard, name="run_discard"),
    path("checkins/requests/", manage.requests, name="requests"),
    path("checkins/requests/<int:pk>/", manage.request_decide, name="request_decide"),
    path("checkins/missed/<int:pk>/", manage.missed_decide, name="missed_decide"),
    path("checkins/mine/", officer.mine, name="mine"),
    path("checkins/mine/<int:pk>/reschedule/", officer.reschedule, name="reschedule"),
    path("checkins/mine/missed/<int:pk>/", officer.explain, name="explain"),
    path("checkins/provider/", provider.agenda, name="provider"),
    path(
        "checkins/provider/<int:pk>/completed/",
        provider.mark,
        {"outcome": "completed"},
        name="provider_completed",
    ),
    path(
        "checkins/provider/<int:pk>/missed/",
        provider.mark,
        {"outcome": "missed"},
        name="provider_missed",
    ),
]
