from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from agencies import tenant_db
from agencies.models import Agency
from agencies.presets import PRESETS
from agencies.services import create_agency


class Command(BaseCommand):
    help = "Create an agency whose policy starts from one of the presets."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name used in addresses, e.g. kcpd")
        parser.add_argument("--name", required=True, help="The agency's full name")
        parser.add_argument("--preset", required=True, choices=sorted(PRESETS))
        parser.add_argument("--time-zone", default="", help="Default America/Chicago")

    # A platform admin's tool: it works across agencies (row-level security on PostgreSQL).
    @tenant_db.system_scope()
    def handle(self, *args, slug, name, preset, time_zone, **options):
        if Agency.objects.filter(slug=slug).exists():
            raise CommandError(f'An agency "{slug}" already exists; nothing was changed.')
        try:
            agency = create_agency(slug=slug, name=name, preset_key=preset, time_zone=time_zone)
        except ValidationError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Refused: {details}") from None
        self.stdout.write(self.style.SUCCESS(f'Created "{agency.slug}" from preset "{preset}".'))
