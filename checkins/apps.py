from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checkins"
    verbose_name = "Check-ins"

    def ready(self) -> None:
        from . import mail, policies  # noqa: F401 (notices)

        policies.register()
