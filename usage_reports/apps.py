from django.apps import AppConfig


class UsageReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "usage_reports"
