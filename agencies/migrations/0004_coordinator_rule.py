"""Who may hold the coordinator role: a lowest rank and units excluded, where the policy says
(KCPD's PST Manager a captain or above and not from Human Resources, Homicide or Internal Affairs,
Policy 830 II.J; St. Joseph's coordinator a sergeant or above, GO2401 II.H.1). Every existing
agency gets its preset's rule (a frozen copy of the presets as of this migration) and the note of
where it came from. A membership keeps the reason, and who gave it, when a platform admin grants
the role to someone the rule refuses."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import agencies.validators

# preset: (lowest rank, its note, excluded units, their note)
BY_PRESET = {
    "kcpd": (
        "captain",
        "Policy 830 II.J: a captain or above",
        ["Human Resources", "Homicide", "Internal Affairs"],
        "Policy 830 II.J: Human Resources, Homicide Unit and Internal Affairs commanders are "
        "not eligible",
    ),
    "st-joseph": (
        "sergeant",
        "GO2401 II.H.1: holds the rank of sergeant or above",
        [],
        "GO2401 is silent: product default: no unit excluded",
    ),
}
DEFAULT = ("", "product default: any rank", [], "product default: no unit excluded")
NOTE = "{source} (added to existing agencies with the rule)"


def give_rules(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Row-level security may bind the migrating role too (FORCE): look across agencies.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.scope', 'system', true)")
    Policy = apps.get_model("agencies", "Policy")
    # The migrating connection (`migrate --database owner`), not the app's role.
    for policy in Policy.objects.using(connection.alias).select_related("agency"):
        rank, rank_note, units, units_note = BY_PRESET.get(policy.agency.preset, DEFAULT)
        policy.lead_min_rank = rank
        policy.lead_excluded_units = list(units)
        policy.sources = {
            **policy.sources,
            "lead_min_rank": NOTE.format(source=rank_note),
            "lead_excluded_units": NOTE.format(source=units_note),
        }
        policy.save(using=connection.alias, update_fields=["lead_min_rank", "lead_excluded_units", "sources"])


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_policy_activation_areas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="override_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="exception made by",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="override_reason",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="exception to the policy's rule, why"
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="lead_excluded_units",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Units whose members may not hold the coordinator role; an entry "
                "covers every directory unit with its words (Homicide covers Homicide Unit).",
                validators=[agencies.validators.TextListValidator(max_length=80)],
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="lead_min_rank",
            field=models.CharField(
                blank=True,
                choices=[
                    ("officer", "Officer"),
                    ("corporal", "Corporal"),
                    ("sergeant", "Sergeant"),
                    ("lieutenant", "Lieutenant"),
                    ("captain", "Captain"),
                    ("major", "Major"),
                    ("deputy_chief", "Deputy chief"),
                    ("chief", "Chief"),
                ],
                default="",
                help_text="The lowest rank, in the directory, of whoever holds the coordinator "
                "role; empty means any rank.",
                max_length=20,
            ),
        ),
        migrations.RunPython(give_rules, migrations.RunPython.noop),
    ]
