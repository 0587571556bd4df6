"""Avatar images: checked by content, re-encoded, stripped of metadata, cut to squares.

Only Pillow reads the upload; its name and declared type are ignored. Re-encoding drops
EXIF (GPS position, camera serial …) and anything appended to the image data.
"""

from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core.antivirus import scan

MAX_AVATAR_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Decompression bombs: a 5 MB PNG can claim gigapixels.
MAX_PIXELS = 40_000_000
AVATAR_SIZES = {"avatar": 512, "avatar_medium": 192, "avatar_small": 64}


class InvalidImage(ValueError):
    pass


@dataclass(frozen=True)
class AvatarRenditions:
    files: dict[str, ContentFile]


def open_checked_image(upload: UploadedFile) -> Image.Image:
    if upload.size is None or upload.size > MAX_AVATAR_BYTES:
        raise InvalidImage("The image is larger than 5 MB.")
    upload.seek(0)
    data = upload.read(MAX_AVATAR_BYTES + 1)
    if len(data) > MAX_AVATAR_BYTES:
        raise InvalidImage("The image is larger than 5 MB.")
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidImage("The file is not a JPEG, PNG or WebP image.") from exc
    if image_format not in ALLOWED_FORMATS:
        raise InvalidImage("The file is not a JPEG, PNG or WebP image.")
    if width * height > MAX_PIXELS:
        raise InvalidImage("The image has too many pixels.")
    scan(upload)
    try:
        image = Image.open(BytesIO(data))
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise InvalidImage("The image is damaged.") from exc
    return image


def avatar_renditions(upload: UploadedFile, stem: str) -> AvatarRenditions:
    """Square WebP renditions of the upload, one per size in ``AVATAR_SIZES``."""
    image = open_checked_image(upload)
    image = ImageOps.exif_transpose(image)
    mode = "RGBA" if image.mode in {"RGBA", "LA", "P"} else "RGB"
    image = image.convert(mode)
    files: dict[str, ContentFile] = {}
    for field, size in AVATAR_SIZES.items():
        square = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
        buffer = BytesIO()
        # No exif/icc arguments: the output carries pixels only.
        square.save(buffer, format="WEBP", quality=85, method=4)
        files[field] = ContentFile(buffer.getvalue(), name=f"{stem}-{size}.webp")
    return AvatarRenditions(files=files)
