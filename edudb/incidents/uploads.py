"""Screenshots: the type is read from the content (magic bytes, then Pillow opens and verifies the image), never
from the name or the browser's word; size and pixel count are capped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edudb.core.uploads import kind_of_head

MAX_BYTES = 5 * 1024 * 1024  # per screenshot
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
MAX_PER_INCIDENT = 10
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CheckedImage:
    upload: Any
    content_type: str
    size: int
    name: str


def sniff(head: bytes) -> str | None:
    """The image type the first bytes announce: PNG, JPEG, WebP, or None."""
    kind = kind_of_head(head)
    return f"image/{kind}" if kind in ("png", "jpeg", "webp") else None


def check_image(upload: Any) -> CheckedImage:
    """A screenshot that is really a PNG, JPEG or WebP image of at most MAX_BYTES; else a Vietnamese refusal."""
    from PIL import Image, UnidentifiedImageError

    name = str(getattr(upload, "name", "") or "")[:255]
    size = int(getattr(upload, "size", 0) or 0)
    if size > MAX_BYTES:
        raise ValidationError(
            _("Tệp «%(name)s» nặng %(mb).1f MB, quá giới hạn %(max)s MB; hãy chụp lại nhỏ hơn hoặc cắt bớt.")
            % {"name": name, "mb": size / 1024 / 1024, "max": MAX_BYTES // 1024 // 1024}
        )
    if size == 0:
        raise ValidationError(_("Tệp «%(name)s» rỗng; hãy chọn lại ảnh chụp màn hình.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    refusal = _(
        "Tệp «%(name)s» không phải ảnh PNG, JPEG hoặc WebP; hãy chụp màn hình và lưu ở một trong các dạng đó."
    ) % {"name": name}
    if content_type is None:
        raise ValidationError(refusal)
    try:
        with Image.open(upload) as image:
            if image.format not in FORMATS or FORMATS[image.format] != content_type:
                raise ValidationError(refusal)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("Ảnh «%(name)s» quá lớn (%(w)s × %(h)s điểm ảnh); hãy chụp lại ở độ phân giải thấp hơn.")
                    % {"name": name, "w": width, "h": height}
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(refusal) from exc
    finally:
        upload.seek(0)
    return CheckedImage(upload=upload, content_type=content_type, size=size, name=name)
