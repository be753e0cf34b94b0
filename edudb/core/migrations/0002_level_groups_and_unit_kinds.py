"""Seed the level groups and unit kinds both shapes of the hierarchy need (2022 districts, 2025 communes)."""

from django.db import migrations

LEVEL_GROUPS = [
    ("mn", "Mầm non", 1),
    ("th", "Tiểu học", 2),
    ("thcs", "Trung học cơ sở", 3),
    ("thpt", "Trung học phổ thông", 4),
    ("gdtx", "Giáo dục thường xuyên", 5),
]

UNIT_KINDS = [
    ("so", "Sở Giáo dục và Đào tạo", "department", "mn|th|thcs|thpt|gdtx", 0),
    ("phong_chuyen_mon", "Phòng chuyên môn thuộc Sở", "office", "", 1),
    ("phong_gddt", "Phòng Giáo dục và Đào tạo quận/huyện", "manager", "mn|th|thcs", 2),
    ("ubnd_xa", "UBND xã/phường/đặc khu", "manager", "mn|th|thcs", 3),
    ("nha_tre", "Nhà trẻ", "institution", "mn", 10),
    ("mau_giao", "Trường mẫu giáo", "institution", "mn", 11),
    ("mam_non", "Trường mầm non", "institution", "mn", 12),
    ("tieu_hoc", "Trường tiểu học", "institution", "th", 20),
    ("th_thcs", "Trường tiểu học và trung học cơ sở", "institution", "th|thcs", 21),
    ("thcs", "Trường trung học cơ sở", "institution", "thcs", 22),
    ("thcs_thpt", "Trường trung học cơ sở và trung học phổ thông", "institution", "thcs|thpt", 23),
    ("th_thcs_thpt", "Trường phổ thông nhiều cấp học", "institution", "th|thcs|thpt", 24),
    ("thpt", "Trường trung học phổ thông", "institution", "thpt", 25),
    ("thpt_chuyen", "Trường THPT chuyên", "institution", "thpt", 26),
    ("pt_dtnt", "Trường phổ thông dân tộc nội trú", "institution", "thcs|thpt", 27),
    ("chuyen_biet", "Trường chuyên biệt (giáo dục người khuyết tật)", "institution", "mn|th|thcs", 28),
    ("ttgdtx", "Trung tâm giáo dục thường xuyên", "institution", "gdtx", 30),
    ("gdnn_gdtx", "Trung tâm giáo dục nghề nghiệp – giáo dục thường xuyên", "institution", "gdtx", 31),
    ("tthtcd", "Trung tâm học tập cộng đồng", "institution", "gdtx", 32),
]


def seed(apps, schema_editor):
    LevelGroup = apps.get_model("core", "LevelGroup")
    UnitKind = apps.get_model("core", "UnitKind")
    for code, name, order in LEVEL_GROUPS:
        LevelGroup.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for code, name, category, levels, order in UNIT_KINDS:
        UnitKind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "default_levels": f"|{levels}|" if levels else "",
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
