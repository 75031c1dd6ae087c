import json

from django.core.management.base import BaseCommand, CommandError

from agencies import tenant_db
from agencies.models import Agency
from agencies.policy_io import PolicyDocumentError
from agencies.services import apply_policy_document


class Command(BaseCommand):
    help = (
        "Replace parts of an agency's policy from a JSON file (as export_policy prints it). "
        "The whole file is checked first; on any error nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("file", help="Path to the JSON file, or - for standard input")

    # A platform admin's tool: it works across agencies (row-level security on PostgreSQL).
    @tenant_db.system_scope()
    def handle(self, *args, slug, file, **options):
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            raise CommandError(f'No agency "{slug}".')
        try:
            if file == "-":
                import sys

                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as fh:
                    data = json.load(fh)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}") from None
        try:
            apply_policy_document(agency=agency, data=data, how="import")
        except PolicyDocumentError as exc:
            lines = [f"  {path}: {' '.join(msgs)}" for path, msgs in sorted(exc.errors.items())]
            raise CommandError(
                "Refused; the policy is unchanged. Problems:\n" + "\n".join(lines)
            ) from None
        self.stdout.write(self.style.SUCCESS(f'Policy of "{slug}" updated.'))
