from django.db import models

from agencies.choices import ResourceKind
from agencies.phone import dial_string

from .core import TenantModel


class Resource(TenantModel):
    """A place to turn besides the peers: EAP, clinical contacts, hotlines, apps."""

    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField(blank=True)
    description = models.TextField(blank=True, max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def dial(self) -> str:
        return dial_string(self.phone)
