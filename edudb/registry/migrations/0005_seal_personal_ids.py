"""Seal the personal IDs of staff and students at rest (R10.3): widen the column, seal what is there, then let the
sealed field take over. Reversible: unsealing needs the same EDUDB_DATA_KEY."""

from django.db import migrations, models

import edudb.core.crypto

MODELS = ("staffmember", "student")
PLAIN = models.CharField(max_length=89, null=True, blank=True, unique=True)


def seal_existing(apps, schema_editor):
    from edudb.core.crypto import PREFIX, seal

    for name in MODELS:
        model = apps.get_model("registry", name)
        rows = model.objects.exclude(personal_id__isnull=True).exclude(personal_id="").values_list("pk", "personal_id")
        for pk, value in rows.iterator(chunk_size=2000):
            if not value.startswith(PREFIX):
                model.objects.filter(pk=pk).update(personal_id=seal(value, purpose="personal_id"))


def unseal_existing(apps, schema_editor):
    from edudb.core.crypto import PREFIX, unseal

    for name in MODELS:
        model = apps.get_model("registry", name)
        rows = model.objects.filter(personal_id__startswith=PREFIX).values_list("pk", "personal_id")
        for pk, value in rows.iterator(chunk_size=2000):
            model.objects.filter(pk=pk).update(personal_id=unseal(value, purpose="personal_id"))


def sealed_field() -> models.Field:
    return edudb.core.crypto.SealedCharField(
        blank=True,
        help_text="12 chữ số (CCCD); dữ liệu cá nhân nhạy cảm: được mã hóa khi lưu, được che khi hiển thị",
        max_length=12,
        null=True,
        purpose="personal_id",
        unique=True,
        verbose_name="số định danh cá nhân",
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_rollover_in_background")]

    operations = [
        *(migrations.AlterField(name, "personal_id", PLAIN) for name in MODELS),
        migrations.RunPython(seal_existing, unseal_existing),
        *(migrations.AlterField(name, "personal_id", sealed_field()) for name in MODELS),
    ]
