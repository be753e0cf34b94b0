"""Add the code lists of learning results, staff awards, discipline, training and the equipment checklist."""

from django.db import migrations


def seed(apps, schema_editor):
    from edudb.quality.codelists_sync import sync_code_lists

    sync_code_lists(apps.get_model("quality", "CodeList"), apps.get_model("quality", "CodeItem"))


class Migration(migrations.Migration):
    dependencies = [("quality", "0002_official_code_lists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
