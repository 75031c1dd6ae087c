from django.urls import path

from .views import compensation, filing, privacy, stats

app_name = "usage_reports"

urlpatterns = [
    path("usage/", filing.all_reports, name="all"),
    path("usage/new/", filing.file_report, name="file"),
    path("usage/mine/", filing.my_reports, name="mine"),
    path("usage/<int:pk>/edit/", filing.edit_report, name="edit"),
    path("usage/<int:pk>/withdraw/", filing.withdraw_report, name="withdraw"),
    path("statistics/", stats.statistics, name="stats"),
    path("reports/quarterly/", stats.quarterly, name="quarterly"),
    path("reports/compensation/", compensation.compensation, name="compensation"),
    path("reports/compensation/approve/", compensation.approve, name="approve"),
    path("reports/compensation/days-off/", compensation.record_day_off, name="day_off"),
    path(
        "reports/compensation/days-off/<int:pk>/remove/",
        compensation.remove_day_off,
        name="remove_day_off",
    ),
    path("reports/evaluation/", stats.evaluation, name="evaluation"),
    path("privacy/", privacy.privacy_page, name="privacy"),
]
