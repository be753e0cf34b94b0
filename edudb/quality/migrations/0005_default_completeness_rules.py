"""The fields the Sở requires by default (the Ministry's minimum records); the Sở edits them on the quality pages."""

from django.db import migrations

DEFAULT_REQUIRED = {
    "student": [
        "full_name",
        "birth_date",
        "gender",
        "ethnicity",
        "nationality",
        "personal_id",
        "birthplace",
        "home_commune_code",
        "home_address",
        "current_address",
        "school_class",
        "enrolled_on",
    ],
    "staff": [
        "full_name",
        "birth_date",
        "gender",
        "ethnicity",
        "personal_id",
        "phone",
        "staff_type",
        "position",
        "contract",
        "qualification",
        "major",
        "joined_on",
    ],
    "class": ["name", "site", "homeroom_teacher", "sessions_per_week"],
    "school": [
        "ownership",
        "school_type",
        "established_year",
        "establishment_decision",
        "street_address",
        "phone",
        "email",
        "principal_name",
        "principal_phone",
    ],
}


def seed(apps, schema_editor):
    CompletenessRule = apps.get_model("quality", "CompletenessRule")
    for target, fields in DEFAULT_REQUIRED.items():
        for field in fields:
            CompletenessRule.objects.get_or_create(target=target, field=field, level="")


def unseed(apps, schema_editor):
    apps.get_model("quality", "CompletenessRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0004_quality_rules_scores")]

    operations = [migrations.RunPython(seed, unseed)]
