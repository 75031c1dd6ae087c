import json

from django.core.management.base import BaseCommand, CommandError

from agencies import tenant_db
from agencies.models import Agency
from agencies.policy_io import policy_to_dict


class Command(BaseCommand):
    help = "Print an agency's policy as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--no-sources", action="store_true", help="Leave out where each point comes from"
        )

    # A platform admin's tool: it works across agencies (row-level security on PostgreSQL).
    @tenant_db.system_scope()
    def handle(self, *args, slug, no_sources, **options):
        agency = Agency.objects.select_related("policy").filter(slug=slug).first()
        if agency is None:
            raise CommandError(f'No agency "{slug}".')
        data = policy_to_dict(agency.policy, with_sources=not no_sources)
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
