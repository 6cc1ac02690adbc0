"""Photos in: what an upload must be, what is kept of it (no one's metadata), and the
renditions readers get."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles import images
from articles.models import Image, Rendition

from . import photo_files as files

pytestmark = pytest.mark.django_db


def upload(data, name="照片.jpg"):
    return SimpleUploadedFile(name, data)


def stored_files(image):
    return [image.file, *(r.file for r in image.renditions.all())]


def read(field):
    with field.open("rb") as f:
        return f.read()


HOSTILE = {
    "0 bytes": (b"", "空的"),
    "truncated JPEG": (files.truncated_jpeg(), "不完整或已损坏"),
    "PNG bomb": (files.png_bomb(), "尺寸过大"),
    "GIF/HTML polyglot": (files.gif_html_polyglot(), "网页或脚本"),
    "JPEG with a page after it": (files.jpeg_html_polyglot(), "网页或脚本"),
    "SVG with a script": (files.SVG, "SVG"),
    "a 1×1 tracking pixel": (files.webp((1, 1)), "太小"),
    "an HTML page named .jpg": (b"<!DOCTYPE html><title>x</title>", "网页"),
    "a GIF": (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"
        b"\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        "GIF",
    ),
    "text": (b"just some text, not a picture at all", "无法识别"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_with_a_reason_and_nothing_is_stored(case, media_root):
    data, reason = HOSTILE[case]
    with pytest.raises(images.Refused) as refused:
        images.accept(upload(data))
    assert reason in refused.value.messages[0]
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_markup_is_looked_for_outside_the_pixels_only():
    # Compressed pixels may spell anything by chance; metadata and trailers may not.
    jpeg = b"\xff\xd8" + b"\xff\xe1\x00\x06Exif" + b"\xff\xda\x00\x02<svg<script" + b"\xff\xd9"
    outside = images._outside_pixels(jpeg, "JPEG")
    assert b"Exif" in outside and b"<svg" not in outside
    assert b"<html>" in images._outside_pixels(jpeg + b"<html>", "JPEG")


def test_limits_in_bytes_and_pixels_are_settings(settings):
    settings.NEWSROOM_PHOTO_MAX_BYTES = 100_000
    with pytest.raises(images.Refused, match="文件太大"):
        images.accept(upload(files.jpeg_from_camera()))
    settings.NEWSROOM_PHOTO_MAX_BYTES = 20 << 20
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 1_000_000
    with pytest.raises(images.Refused, match="百万像素"):
        images.accept(upload(files.jpeg_from_camera((1600, 1200))))


def test_the_type_comes_from_the_content_not_the_name():
    image = images.accept(upload(files.png_with_text(), name="假的.jpg"))
    assert image.file.name.endswith(".png")
    assert PILImage.open(image.file.path).format == "PNG"


def test_no_personal_metadata_in_any_stored_file():
    image = images.accept(upload(files.jpeg_from_camera(orientation=6)), caption="图为民警")
    stored = stored_files(image)
    assert len(stored) > 10
    for field in stored:
        data = read(field)
        with PILImage.open(io.BytesIO(data)) as picture:
            exif = picture.getexif()
            assert not exif.get_ifd(files.GPS), field.name
            assert 0x013B not in exif and not exif.get_ifd(files.EXIF), field.name
            assert "xmp" not in picture.info
        for marker in (b"ZhangSan", "张三".encode(), b"SN-0042", b"xmpmeta", b"Canon"):
            assert marker not in data, (field.name, marker)
    # What the record may keep: the camera model and when the picture was taken.
    assert image.camera == "Canon EOS R6"
    assert image.taken_at.strftime("%Y-%m-%d %H:%M") == "2026-11-30 08:15"


def test_png_text_chunks_are_dropped():
    image = images.accept(upload(files.png_with_text(), name="a.png"))
    for field in stored_files(image):
        data = read(field)
        assert "张三".encode() not in data and b"GPS" not in data and b"tEXt" not in data


def test_orientation_is_applied_before_the_metadata_goes():
    # A camera held upright writes 2400×1600 pixels and "rotate 90°" (orientation 6).
    image = images.accept(upload(files.jpeg_from_camera((2400, 1600), orientation=6)))
    assert (image.width, image.height) == (1600, 2400)
    with PILImage.open(image.file.path) as picture:
        assert picture.size == (1600, 2400)


def test_stored_names_are_random_never_the_uploaders():
    first = images.accept(upload(files.jpeg_from_camera(), name="线人张三_家门口.jpg"))
    second = images.accept(upload(files.webp(), name="线人张三_家门口.jpg"))
    for image in (first, second):
        for field in stored_files(image):
            assert "张三" not in field.name and "家门口" not in field.name
            assert re.fullmatch(r"photos/(\d{4}/\d\d/|r/)[\w-]+\.(jpg|png|webp|avif)", field.name)
    assert first.file.name != second.file.name


def test_the_same_file_twice_is_one_picture():
    data = files.jpeg_from_camera()
    assert images.accept(upload(data)).pk == images.accept(upload(data, "again.jpg")).pk
    assert Image.objects.count() == 1


def test_renditions_sizes_and_formats():
    image = images.accept(upload(files.jpeg_from_camera((3000, 2000))))
    made = {(r.spec, r.format): r for r in image.renditions.all()}
    formats = images.formats()
    assert "webp" in formats and "jpeg" in formats
    for spec, (width, height, spec_formats) in images.SPECS.items():
        for fmt in set(spec_formats) & set(formats):
            rendition = made[spec, fmt]
            with PILImage.open(rendition.file.path) as picture:
                assert picture.format == {"jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt]
                assert picture.size == (rendition.width, rendition.height)
            assert rendition.width == width
            if height is not None:
                assert rendition.height == height
            else:
                assert rendition.height == round(2000 * width / 3000)
    assert (made["og", "jpeg"].width, made["og", "jpeg"].height) == (1200, 630)


def test_a_small_picture_is_never_enlarged():
    image = images.accept(upload(files.webp((600, 400))))
    widths = sorted({r.width for r in image.renditions.filter(spec__startswith="w")})
    assert widths == [480, 600]
    og = image.renditions.get(spec="og", format="jpeg")
    assert og.width <= 600 and abs(og.width / og.height - 1200 / 630) < 0.01


def test_crops_follow_the_focal_point():
    assert images.crop_box(3000, 2000, 1.0, 0.5, 0.5) == (500, 0, 2500, 2000)
    assert images.crop_box(3000, 2000, 1.0, 0.0, 0.5) == (0, 0, 2000, 2000)
    assert images.crop_box(3000, 2000, 1.0, 0.9, 0.5) == (1000, 0, 3000, 2000)
    assert images.crop_box(2000, 3000, 16 / 9, 0.5, 0.1) == (0, 0, 2000, 1125)


def test_moving_the_focal_point_makes_the_crops_again_under_new_names():
    image = images.accept(upload(files.jpeg_from_camera((3000, 2000))))
    before = {r.file.name for r in image.renditions.all()}
    old_paths = [r.file.path for r in image.renditions.all()]
    images.move_focus(image, 0.1, 0.5)
    after = {r.file.name for r in image.renditions.all()}
    assert len(after) == len(before) and not before & after
    assert not any(__import__("os").path.exists(p) for p in old_paths)


def test_deleting_a_picture_removes_its_files(django_capture_on_commit_callbacks):
    image = images.accept(upload(files.jpeg_from_camera()))
    paths = [f.path for f in stored_files(image)]
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(__import__("os").path.exists(p) for p in paths)


def test_a_picture_from_before_the_library_is_stored_again_clean(media_root):
    from django.core.management import call_command

    legacy = media_root / "photos" / "2026" / "01"
    legacy.mkdir(parents=True)
    (legacy / "线人张三_家门口.jpg").write_bytes(files.jpeg_from_camera((1200, 800)))
    # As migration 0011 leaves it: the old name, no digest, no renditions.
    image = Image.objects.create(file="photos/2026/01/线人张三_家门口.jpg", width=0, height=0)
    call_command("renditions", verbosity=0)
    image.refresh_from_db()
    assert "张三" not in image.file.name and image.digest and image.width == 1200
    assert not (legacy / "线人张三_家门口.jpg").exists()
    assert image.renditions.count() > 5
    for field in stored_files(image):
        assert b"ZhangSan" not in read(field) and b"SN-0042" not in read(field)
    call_command("renditions", verbosity=0)  # nothing left to do: nothing changes
    assert image.renditions.count() == Rendition.objects.count()
