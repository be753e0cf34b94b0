"""Version 1 of the responsibilities (Điều 8.3): the text the acknowledge page showed before versions existed,
dated from the regulation's entry into force so that no account acknowledged before has to acknowledge again."""

import datetime as dt

from django.db import migrations

FIRST_TERMS = "\n".join(
    [
        "Chịu trách nhiệm quản lý tài khoản, không chia sẻ mật khẩu và mã xác thực cho người khác;",
        "Bảo đảm an ninh đối với dữ liệu được tiếp cận, đặc biệt là dữ liệu cá nhân của học sinh, trẻ em;",
        "Chỉ sử dụng hệ thống để thực hiện nhiệm vụ được giao;",
        "Không cung cấp dữ liệu cho tổ chức, cá nhân khác khi chưa có sự đồng ý bằng văn bản của Sở Giáo dục và "
        "Đào tạo (Điều 3);",
        "Báo cáo ngay sự cố về Sở Giáo dục và Đào tạo khi phát hiện (Điều 7);",
        "Hoàn toàn chịu trách nhiệm trước pháp luật nếu để phát sinh các vấn đề ảnh hưởng tới an ninh dữ liệu của "
        "hệ thống (Điều 8.3).",
    ]
)


def seed(apps, schema_editor):
    Terms = apps.get_model("oversight", "Terms")
    if not Terms.objects.exists():
        Terms.objects.create(
            version=1,
            effective_on=dt.date(2022, 7, 1),
            text=FIRST_TERMS,
            published_at=dt.datetime(2022, 7, 1, tzinfo=dt.UTC),
        )


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
