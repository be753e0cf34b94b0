"""Create the recent school years, the one running today marked current (a year runs September to May)."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    SchoolYear = apps.get_model("reporting", "SchoolYear")
    today = dt.date.today()
    current = today.year if today.month >= 8 else today.year - 1
    for start in range(current - 2, current + 1):
        SchoolYear.objects.get_or_create(
            start_year=start,
            defaults={
                "starts_on": dt.date(start, 9, 5),
                "ends_on": dt.date(start + 1, 5, 31),
                "is_current": start == current,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_school_years")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
