"""Shared pieces of the incidents' tests: images built in memory, a fresh MEDIA_ROOT, a quick report."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from edudb.incidents import services


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str = "man-hinh.png", content: bytes | None = None, fmt: str = "PNG") -> SimpleUploadedFile:
    data = image_bytes(fmt) if content is None else content
    return SimpleUploadedFile(name, data, content_type="image/png")


# A Windows executable's first bytes ("MZ" header), renamed .png.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def quick_report(by: Any, **values: Any) -> Any:
    data: dict[str, Any] = {
        "category": "slow",
        "severity": "medium",
        "title": "Không mở được danh sách học sinh",
        "description": "Bấm vào Học sinh thì trang quay mãi không hiện.",
    }
    data.update(values)
    return services.report(by=by, **data)
