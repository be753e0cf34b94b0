"""Staged import rows kept as compressed JSON bytes instead of a JSON column (see ``ImportChunk.packed``)."""

import json
import zlib

from django.db import migrations, models


def pack(apps, schema_editor):
    chunk_model = apps.get_model("exchange", "ImportChunk")
    for chunk in chunk_model.objects.iterator(chunk_size=10):
        text = json.dumps(chunk.rows, ensure_ascii=False, separators=(",", ":"))
        chunk.packed = zlib.compress(text.encode(), 1)
        chunk.save(update_fields=["packed"])


def unpack(apps, schema_editor):
    chunk_model = apps.get_model("exchange", "ImportChunk")
    for chunk in chunk_model.objects.iterator(chunk_size=10):
        chunk.rows = json.loads(zlib.decompress(chunk.packed))
        chunk.save(update_fields=["rows"])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [
        migrations.AddField(model_name="importchunk", name="packed", field=models.BinaryField(default=bytes)),
        migrations.RunPython(pack, unpack),
        migrations.RemoveField(model_name="importchunk", name="rows"),
    ]
