from django.apps import AppConfig


class RosterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "roster"

    def ready(self) -> None:
        from . import policies, role_holders, versions

        policies.register()
        role_holders.register()
        versions.connect()
