from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the run command. It cuts across every app, so it lives outside them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
