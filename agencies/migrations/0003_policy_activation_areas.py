"""The general areas an activation is placed in: a call-out message says the area, never the
location. Every existing agency gets its preset's areas (the lists below are a frozen copy of the
presets as of this migration), and the policy notes where they came from."""

import agencies.validators
from django.db import migrations, models

DEFAULT = (["Within the city", "Outside the city"], "product default")
BY_PRESET = {
    "kcpd": (
        [
            "Within Kansas City",
            "Elsewhere in the Kansas City metropolitan area",
            "Outside the metropolitan area, as the Chief directs",
        ],
        "Policy 830 III.E: within the Kansas City metropolitan area, or as directed by COP or "
        "designee",
    ),
    "slmpd": (
        ["Within the City of St. Louis", "St. Louis County", "Elsewhere in the region"],
        "PSST policy Team Member 4 (assist the St. Louis County Peer Team); Goals 5 (regional "
        "peer teams)",
    ),
}
NOTE = "{source} (added to existing agencies with the list)"


def give_defaults(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Row-level security may bind the migrating role too (FORCE): look across agencies.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.scope', 'system', true)")
    Policy = apps.get_model("agencies", "Policy")
    # The migrating connection (`migrate --database owner`), not the app's role.
    for policy in Policy.objects.using(connection.alias).select_related("agency"):
        if policy.activation_areas:
            continue
        areas, source = BY_PRESET.get(policy.agency.preset, DEFAULT)
        policy.activation_areas = list(areas)
        policy.sources = {**policy.sources, "activation_areas": NOTE.format(source=source)}
        policy.save(using=connection.alias, update_fields=["activation_areas", "sources"])


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_partnership"),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="activation_areas",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The general areas the coordinator chooses from when activating the "
                "team: the only 'where' a call-out message carries, so never a name or an address.",
                validators=[agencies.validators.TextListValidator(max_length=80)],
            ),
        ),
        migrations.RunPython(give_defaults, migrations.RunPython.noop),
    ]
