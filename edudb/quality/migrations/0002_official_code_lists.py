"""Seed the official code lists (dân tộc, quốc tịch, trạng thái học sinh, loại khuyết tật …)."""

from django.db import migrations


def seed(apps, schema_editor):
    from edudb.quality.codelists_sync import sync_code_lists

    sync_code_lists(apps.get_model("quality", "CodeList"), apps.get_model("quality", "CodeItem"))


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_code_lists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
