"""Looking for a string everywhere the product stores text."""

from django.apps import apps
from django.db import models


def database_mentions(text: str) -> list[str]:
    """Every model field holding `text`: the canary check, on any database."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                hit = model._default_manager.filter(**{f"{field.name}__icontains": text})
                if hit.exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found
