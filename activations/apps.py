from django.apps import AppConfig


class ActivationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activations"

    def ready(self) -> None:
        from . import (
            notices,  # noqa: F401 (registers the activation notices with the outbox)
            panels,  # noqa: F401 (adds accepted assignments to the peer's page)
            policies,
        )

        policies.register()
