from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The outbox every notice in the product goes through: a row first, delivery after."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
