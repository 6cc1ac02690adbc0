"""Pictures in: what an upload must be, what is kept of it, and the sizes readers get.

An upload is taken only when its content (never its name) is a JPEG, PNG or WebP within
NEWSROOM_PHOTO_MAX_BYTES and NEWSROOM_PHOTO_MAX_PIXELS that decodes whole; anything else is
refused with a Chinese message, and nothing is stored. What is stored is made from the
decoded pixels: turned upright, with no EXIF, XMP or IPTC (GPS position, serial numbers,
owner names) and a random name. The camera model and the capture time are kept in the
record. Renditions (SPECS) are made once, at upload and by ``manage.py renditions``, with
Willow (Wagtail's image library, over Pillow: colour spaces, modes and encoders handled),
cropped around the picture's focal point.

Pillow is imported by the functions that decode or encode, not by the module: a worker that
serves only readers prints renditions' addresses (``sources``) and never loads it (2.4 MB
less a worker).
"""

import contextlib
import datetime
import hashlib
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from .models import Image, Rendition

ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# The shortest side a picture may have: smaller is an icon or a tracking pixel, not a photo.
MIN_SIDE = 100

# What a refused file is, told by its first bytes, for the message.
_KNOWN = [
    (b"GIF8", "GIF 动图"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF 文档"), (b"PK\x03\x04", "压缩包或 Office 文档"),
]  # fmt: skip
# Markup or script inside an image file: a polyglot, meant to be read as a page somewhere.
_MARKUP = (b"<script", b"<svg", b"<html", b"<?php", b"<iframe", b"javascript:")

# name: (width, height or None for the picture's own proportions, formats). Sizes are
# what the public pages ask for (see templates/articles/picture.html):
# thumbnails in lists and the admin, the lead picture, the article column (phones at two
# and three device pixels a point, desktops), full width,
# and the 1200×630 card social sites show.
SPECS = {
    "thumb": (240, 180, ("webp", "jpeg")),
    "lead-640": (640, 360, ("avif", "webp", "jpeg")),
    "lead-960": (960, 540, ("avif", "webp", "jpeg")),
    "w480": (480, None, ("avif", "webp", "jpeg")),
    "w800": (800, None, ("avif", "webp", "jpeg")),
    "w1200": (1200, None, ("avif", "webp", "jpeg")),
    "w1600": (1600, None, ("avif", "webp", "jpeg")),
    "og": (1200, 630, ("jpeg",)),
}
QUALITY = {"avif": 55, "webp": 75, "jpeg": 80}
EXTENSION = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg",
                 "jpeg": "image/jpeg", "png": "image/png"}  # fmt: skip


def formats():
    """The formats this Pillow can write, best first."""
    from PIL import features

    return [f for f in ("avif", "webp", "jpeg") if f == "jpeg" or features.check(f)]


class Refused(ValidationError):
    """An upload that is not taken; the message says why, in Chinese."""


def _mb(size):
    return f"{size / (1 << 20):.1f} MB"


def read_upload(upload, limit, what):
    """The bytes of ``upload`` (a ``what``: 图片, PDF), at most ``limit`` of them: never more is
    read, whatever the upload says of its size; Refused when it is empty or larger."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise Refused(f"文件太大（{_mb(size)}），{what}不能超过 {_mb(limit)}。")
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise Refused(f"文件是空的（0 字节），请重新选择{what}。")
    if len(data) > limit:
        raise Refused(f"文件太大，{what}不能超过 {_mb(limit)}。")
    return data


def _read(upload):
    return read_upload(upload, settings.NEWSROOM_PHOTO_MAX_BYTES, "图片")


def _what(data):
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) or b"<svg" in head:
        return "SVG 矢量图（可能含脚本）"
    if head.startswith((b"<!doctype", b"<html")):
        return "网页"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIC/AVIF（请先导出为 JPEG）"
    for magic, name in _KNOWN:
        if data.startswith(magic):
            return name
    return None


POLYGLOT = "文件中夹带网页或脚本代码，不能作为图片上传。请用相机或修图软件重新导出。"


def _outside_pixels(data, fmt):
    """The parts of an image file that are not its compressed pixels (metadata segments and
    chunks, and whatever follows the image's end): where a polyglot carries its page. The
    compressed pixels themselves are never searched: by chance alone, a few bytes spelling
    ``<svg`` turn up in about one camera file in a hundred."""
    parts = []
    if fmt == "JPEG":
        i = 2
        while i + 4 <= len(data) and data[i] == 0xFF and data[i + 1] != 0xDA:
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            parts.append(data[i + 4 : i + 2 + length])
            i += 2 + length
        end = data.rfind(b"\xff\xd9")
        parts.append(data[end + 2 :] if end != -1 else b"")
    elif fmt == "PNG":
        i = 8
        while i + 8 <= len(data):
            length, kind = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8]
            if kind != b"IDAT":
                parts.append(data[i + 8 : i + 8 + length])
            i += 12 + length
            if kind == b"IEND":
                break
        parts.append(data[i:])
    elif fmt == "WEBP":
        size = int.from_bytes(data[4:8], "little") + 8
        i = 12
        while i + 8 <= min(size, len(data)):
            kind, length = data[i : i + 4], int.from_bytes(data[i + 4 : i + 8], "little")
            if kind in (b"EXIF", b"XMP "):
                parts.append(data[i + 8 : i + 8 + length])
            i += 8 + length + (length & 1)
        parts.append(data[size:])
    return b"".join(parts)


def _decode(data):
    """The picture in ``data``, decoded whole and checked; Refused otherwise."""
    from PIL import Image as PILImage

    kind = _what(data)
    if kind is not None:
        if kind.startswith("SVG"):
            raise Refused("不接受 SVG 矢量图（其中可以藏有脚本）；请导出为 JPEG 或 PNG。")
        if any(marker in data.lower() for marker in _MARKUP):
            raise Refused(POLYGLOT)
        raise Refused(f"只接受 JPEG、PNG 或 WebP 图片；这个文件是{kind}。")
    max_pixels = settings.NEWSROOM_PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            picture = PILImage.open(io.BytesIO(data), formats=list(ACCEPTED))
            if any(m in _outside_pixels(data, picture.format).lower() for m in _MARKUP):
                raise Refused(POLYGLOT)
            width, height = picture.size
            if width * height > max_pixels:
                raise Refused(
                    f"图片尺寸过大（{width}×{height}，约 {width * height / 1e6:.0f} 百万像素），"
                    f"不能超过 {max_pixels / 1e6:.0f} 百万像素。"
                )
            picture.load()  # the whole file: a truncated one fails here
    except Refused:
        raise
    except PILImage.UnidentifiedImageError:
        raise Refused("无法识别为图片：只接受 JPEG、PNG 或 WebP 图片。") from None
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise Refused(
            f"图片尺寸过大（超过 {PILImage.MAX_IMAGE_PIXELS / 1e6:.0f} 百万像素），"
            f"不能超过 {max_pixels / 1e6:.0f} 百万像素。"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise Refused("图片文件不完整或已损坏，无法读取。请重新导出后上传。") from None
    if min(width, height) < MIN_SIDE:
        raise Refused(f"图片太小（{width}×{height}），短边至少要 {MIN_SIDE} 像素。")
    return picture


def _when(text):
    try:
        taken = datetime.datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(taken)


def _record(picture):
    """What the record keeps of the camera's metadata: the model and the capture time."""
    exif = picture.getexif()
    make, model = (str(exif.get(tag, "")).strip("\x00 ") for tag in (0x010F, 0x0110))
    camera = model if model.lower().startswith(make.lower()) else f"{make} {model}"
    details = exif.get_ifd(0x8769)
    taken = _when(details.get(0x9003) or exif.get(0x0132) or "")
    return " ".join(camera.split())[:100], taken


def _clean(picture):
    """Pixels only: upright, in a mode the format keeps, with no metadata but the colour
    profile (which carries no one's data and keeps the colours right)."""
    from PIL import ImageOps

    picture = ImageOps.exif_transpose(picture)
    icc = picture.info.get("icc_profile")
    alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
    if picture.mode == "CMYK":
        icc = None  # converted below; the CMYK profile would be wrong for RGB
    picture = picture.convert("RGBA" if alpha else "RGB")
    picture.info = {"icc_profile": icc} if icc else {}
    return picture


def _encode(picture, fmt, quality=None):
    buffer = io.BytesIO()
    options = {"icc_profile": picture.info["icc_profile"]} if picture.info else {}
    if fmt == "JPEG":
        if picture.mode == "RGBA":
            picture = _on_white(picture)
        picture.save(buffer, "JPEG", quality=quality or 90, optimize=True, **options)
    elif fmt == "PNG":
        picture.save(buffer, "PNG", optimize=True, **options)
    else:
        picture.save(buffer, "WEBP", quality=quality or 90, method=4, **options)
    return buffer.getvalue()


def _on_white(picture):
    from PIL import Image as PILImage

    background = PILImage.new("RGB", picture.size, "white")
    background.paste(picture, mask=picture.getchannel("A"))
    background.info = picture.info
    return background


def _store(image, data):
    """Store the picture in ``data`` clean into ``image`` (not yet saved): the pixels
    re-encoded in their own format under a random name, with the record's sizes, digest,
    camera and capture time. Returns the clean picture, for its renditions."""
    picture = _decode(data)
    fmt = picture.format
    image.camera, image.taken_at = _record(picture)
    clean = _clean(picture)
    stored = _encode(clean, fmt)
    image.width, image.height, image.file_size = clean.width, clean.height, len(stored)
    image.digest = hashlib.sha256(data).hexdigest()
    image.file.save(f"upload.{ACCEPTED[fmt]}", ContentFile(stored), save=False)
    return clean


def _save_with_renditions(image, clean, *, replaced=None):
    """Save ``image`` and make its renditions in one transaction; on failure the files just
    written go, and nothing else changes. ``replaced``: a file to remove once it worked."""
    image._made = []
    try:
        with transaction.atomic():
            image.save()
            make_renditions(image, clean)
    except BaseException:
        _delete_files([image.file.name, *(r.file.name for r in image._made)])
        raise
    if replaced:
        _delete_files([replaced])


def accept(upload, *, by=None, caption="", credit="", alt_text=""):
    """The library's picture for ``upload`` (a Django UploadedFile or any file object):
    a new one, stored clean with its renditions, or the one already made from the same
    bytes. Raises Refused, storing nothing, when the file is not a picture we take."""
    data = _read(upload)
    existing = Image.objects.filter(digest=hashlib.sha256(data).hexdigest()).first()
    if existing is not None:
        return existing
    image = Image(uploaded_by=by, caption=caption, credit=credit, alt_text=alt_text)
    _save_with_renditions(image, _store(image, data))
    return image


def store_again(image):
    """A picture stored before the library (its file under the uploader's name, with its
    metadata; migration 0011) stored as an upload is, its record pointed at the clean copy
    and its renditions made; the old file removed."""
    old_name = image.file.name
    with image.file.open("rb") as f:
        data = f.read()
    _save_with_renditions(image, _store(image, data), replaced=old_name)


def crop_box(width, height, ratio, focal_x=0.5, focal_y=0.5):
    """The largest box of proportions ``ratio`` (width/height) in a ``width``×``height``
    picture, centred on the focal point as far as the edges allow."""
    if width / height > ratio:
        box_w, box_h = max(1, round(height * ratio)), height
    else:
        box_w, box_h = width, max(1, round(width / ratio))
    left = min(max(round(focal_x * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal_y * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def plan(image):
    """``{spec: (crop box or None, (width, height))}`` for ``image``: never larger than the
    picture; of the width-only sizes, those wider than the picture are left out but for
    the smallest (a small picture still gets one)."""
    sizes = {}
    for name, (width, height, _formats) in SPECS.items():
        if height is None:
            if width > image.width and any(
                w < width and h is None and w >= image.width for w, h, _f in SPECS.values()
            ):
                continue
            out_w = min(width, image.width)
            sizes[name] = (None, (out_w, max(1, round(image.height * out_w / image.width))))
        else:
            box = crop_box(image.width, image.height, width / height,
                           image.focal_x, image.focal_y)  # fmt: skip
            box_w = box[2] - box[0]
            out_w = min(width, box_w)
            sizes[name] = (box, (out_w, max(1, round(out_w * height / width))))
    return sizes


def _open_stored(image):
    from PIL import Image as PILImage

    with image.file.open("rb") as f:
        picture = PILImage.open(io.BytesIO(f.read()))
        picture.load()
    return _clean(picture)


def make_renditions(image, source=None, *, replace=False):
    """Make the renditions ``image`` lacks (all of them, the old files removed, when
    ``replace``: after its focal point moved). ``source`` is the clean picture, when the
    caller has it decoded already."""
    from willow.plugins.pillow import PillowImage

    image._made = []
    old = list(image.renditions.all())
    have = {(r.spec, r.format) for r in old} if not replace else set()
    sizes = plan(image)
    wanted = [
        (name, fmt)
        for name in sizes
        for fmt in SPECS[name][2]
        if fmt in formats() and (name, fmt) not in have
    ]
    if not wanted:
        return []
    source = _open_stored(image) if source is None else source
    stem = image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    salt = hashlib.sha256(f"{image.focal_x:.3f},{image.focal_y:.3f}".encode()).hexdigest()[:6]
    sized = {}
    for name in dict.fromkeys(name for name, _fmt in wanted):  # each size once, if wanted
        box, size = sizes[name]
        picture = source.crop(box) if box else source
        if picture.size != size:
            picture = PillowImage(picture).resize(size).image
        picture.info = source.info
        sized[name] = picture
    if replace:
        _delete_files([r.file.name for r in old])
        image.renditions.all().delete()
    made = []
    for name, fmt in wanted:
        picture = PillowImage(sized[name])
        if fmt == "jpeg" and sized[name].mode == "RGBA":
            picture = PillowImage(_on_white(sized[name]))
        buffer = io.BytesIO()
        getattr(picture, f"save_as_{fmt}")(buffer, quality=QUALITY[fmt], apply_optimizers=False)
        path = f"photos/r/{stem}-{name}-{salt}.{EXTENSION[fmt]}"
        rendition = Rendition(image=image, spec=name, format=fmt,
                              width=sized[name].width, height=sized[name].height)  # fmt: skip
        rendition.file.save(path, ContentFile(buffer.getvalue()), save=False)
        made.append(rendition)
        image._made.append(rendition)
    Rendition.objects.bulk_create(made)  # no signal: the caller's save of ``image`` moves the key
    return made


def move_focus(image, focal_x, focal_y):
    """Crops follow the new focal point: the renditions are made again under new names."""
    image.focal_x, image.focal_y = focal_x, focal_y
    with transaction.atomic():
        image.save(update_fields=["focal_x", "focal_y", "changed_at"])
        make_renditions(image, replace=True)


def _delete_files(names):
    for name in names:
        if name:
            with contextlib.suppress(OSError):
                default_storage.delete(name)


def delete_files(image):
    """Remove a deleted picture's files (the original and every rendition)."""
    _delete_files([image.file.name, *(r.file.name for r in image.renditions.all())])


def sources(image, spec_names):
    """For a ``<picture>``: ``{"sources": [(content type, srcset)], "src", "width",
    "height"}`` from the renditions of ``spec_names`` (prefetched), or None when the
    picture has none (the original is then shown, at its size)."""
    by_format = {}
    for rendition in image.renditions.all():
        if rendition.spec in spec_names:
            by_format.setdefault(rendition.format, []).append(rendition)
    if "jpeg" not in by_format:
        return None
    entries = []
    for fmt in ("avif", "webp"):
        if fmt in by_format:
            srcset = ", ".join(f"{r.file.url} {r.width}w" for r in sorted(
                by_format[fmt], key=lambda r: r.width))  # fmt: skip
            entries.append((CONTENT_TYPES[fmt], srcset))
    jpegs = sorted(by_format["jpeg"], key=lambda r: r.width)
    fallback = jpegs[min(1, len(jpegs) - 1)]
    return {
        "sources": entries,
        "srcset": ", ".join(f"{r.file.url} {r.width}w" for r in jpegs),
        "src": fallback.file.url,
        "width": fallback.width,
        "height": fallback.height,
    }
