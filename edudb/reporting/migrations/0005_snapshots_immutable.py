"""The database itself refuses UPDATE and DELETE of a submitted snapshot (R7.2: an immutable, versioned snapshot),
and each existing school year gets its two periodic reports (Điều 9.1); those of years already over start closed."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

TABLE = "reporting_snapshot"
MESSAGE = "a submitted snapshot cannot be changed or deleted"

SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS snapshot_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS snapshot_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS snapshot_no_update;", "DROP TRIGGER IF EXISTS snapshot_no_delete;"]
POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION snapshot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$;",
    f"DROP TRIGGER IF EXISTS snapshot_no_change ON {TABLE};",
    f"CREATE TRIGGER snapshot_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION snapshot_immutable();",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS snapshot_no_change ON {TABLE};",
    "DROP FUNCTION IF EXISTS snapshot_immutable();",
]
TITLES = {"start": "Báo cáo đầu năm học {}", "end": "Báo cáo cuối năm học {}"}


def statements(vendor, install):
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    return []


def install(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, True):
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, False):
        schema_editor.execute(sql)


def seed_periods(apps, schema_editor):
    SchoolYear = apps.get_model("reporting", "SchoolYear")
    ReportingPeriod = apps.get_model("reporting", "ReportingPeriod")
    today = timezone.localdate()
    for year in SchoolYear.objects.all():
        code = f"{year.start_year}-{year.start_year + 1}"
        closed_at = timezone.now() if year.ends_on < today else None  # years already over start closed
        dates = {
            "start": (year.starts_on, dt.date(year.start_year, 10, 15)),
            "end": (dt.date(year.start_year + 1, 5, 15), dt.date(year.start_year + 1, 6, 15)),
        }
        for kind, (opens, deadline) in dates.items():
            ReportingPeriod.objects.get_or_create(
                school_year=year,
                kind=kind,
                defaults={
                    "title": TITLES[kind].format(code),
                    "opens_on": opens,
                    "deadline": deadline,
                    "closed_at": closed_at,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_reporting_cycle")]
    operations = [migrations.RunPython(install, remove), migrations.RunPython(seed_periods, migrations.RunPython.noop)]
