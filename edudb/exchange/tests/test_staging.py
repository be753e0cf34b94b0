"""The staged rows of an import: kept as compressed JSON between the preview and the commit, read back exactly."""

from __future__ import annotations

import importlib
import zlib
from typing import Any

import pytest

from edudb.exchange.models import ImportChunk

ROWS: list[dict[str, Any]] = [
    {
        "r": 4,
        "a": "new",
        "u": 12,
        "id": None,
        "v": None,
        "d": {"full_name": "Nguyễn Thị Thủy", "birth_date": "2015-09-05", "ethnicity_id": 1, "disability": False},
        "x": {"guardians": {"mẹ": {"full_name": "Trần Thị Hà", "birth_year": 1985, "phone": "0912345678"}}},
        "c": {},
    },
    {
        "r": 5,
        "a": "changed",
        "u": 12,
        "id": 7,
        "v": 3,
        "d": {"note": "Hộ nghèo\n“x”"},
        "x": {},
        "c": {"note": ["", "x"]},
    },
]


def test_rows_read_back_as_they_were_staged() -> None:
    chunk = ImportChunk(number=0, packed=ImportChunk.pack(ROWS))
    assert chunk.rows == ROWS
    text = zlib.decompress(chunk.packed)
    assert len(chunk.packed) < len(text)  # compressed
    assert "Nguyễn Thị Thủy".encode() in text and b"\\u" not in text  # Vietnamese as UTF-8, not \\u escapes


@pytest.mark.django_db
def test_a_chunk_is_stored_and_changed_in_the_database(cast: Any) -> None:
    from edudb.exchange.tests.contract_routes_imports import import_jobs

    job = import_jobs(cast)[0][1]
    ImportChunk.of(job, 0, ROWS).save(force_insert=True)
    stored = ImportChunk.objects.get(job=job, number=0)
    assert stored.rows == ROWS
    stored.rows[1]["a"] = "rejected"
    stored.save_rows()
    assert ImportChunk.objects.get(pk=stored.pk).rows[1]["a"] == "rejected"


class _Chunk:
    """A staged chunk as the migration's historical model gives it: its rows (before) or its bytes (after)."""

    def __init__(self, rows: Any = None, packed: Any = b"") -> None:
        self.rows, self.packed = rows, packed
        self.saved: list[str] = []

    def save(self, update_fields: list[str]) -> None:
        self.saved += update_fields


class _Apps:
    def __init__(self, chunks: list[_Chunk]) -> None:
        self.chunks = chunks

    def get_model(self, app: str, name: str) -> Any:
        chunks = self.chunks

        class Model:
            class objects:  # the manager, by its name
                @staticmethod
                def iterator(chunk_size: int) -> list[_Chunk]:
                    return chunks

        return Model


def test_the_migration_packs_staged_rows_and_unpacks_them_when_reversed() -> None:
    migration = importlib.import_module("edudb.exchange.migrations.0002_importchunk_packed")
    chunk = _Chunk(rows=ROWS, packed=b"")
    migration.pack(_Apps([chunk]), None)
    assert chunk.saved == ["packed"] and ImportChunk(packed=chunk.packed).rows == ROWS
    back = _Chunk(packed=memoryview(ImportChunk.pack(ROWS)))  # as PostgreSQL hands bytea back
    migration.unpack(_Apps([back]), None)
    assert back.saved == ["rows"] and back.rows == ROWS
