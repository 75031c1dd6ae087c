from django.apps import AppConfig


class UsageReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "usage_reports"
    verbose_name = "Usage reports"

    def ready(self) -> None:
        from . import notices  # noqa: F401 (registers the follow-up reminder with the outbox)
