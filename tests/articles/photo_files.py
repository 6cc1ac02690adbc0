"""Files for the photo tests: real pictures with a camera's metadata, and hostile ones."""

import io
import struct
import zlib

from PIL import Image as PILImage

GPS = 0x8825
EXIF = 0x8769
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>ZhangSan-Source</dc:creator>'
    b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def picture(size=(2400, 1600), color=(180, 40, 40)):
    """A picture with something in it (a gradient and a block), so crops and sizes show."""
    width, height = size
    image = PILImage.linear_gradient("L").resize(size).convert("RGB")
    block = PILImage.new("RGB", (width // 4, height // 4), color)
    image.paste(block, (width // 8, height // 8))
    return image


def camera_exif(image, orientation=1):
    exif = image.getexif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS R6"
    exif[0x013B] = "线人张三"  # Artist: an owner's name
    exif[0x0112] = orientation
    details = exif.get_ifd(EXIF)
    details[0x9003] = "2026:11:30 08:15:00"
    details[0xA431] = "SN-0042-7781"  # the body's serial number
    details[0xA430] = "张三"  # the camera's owner
    gps = exif.get_ifd(GPS)
    gps[1], gps[2] = "N", (40.0, 49.0, 12.5)
    gps[3], gps[4] = "E", (111.0, 40.0, 5.25)
    return exif


def jpeg_from_camera(size=(2400, 1600), orientation=1):
    """A JPEG as a camera writes it: EXIF with GPS, serial and owner, and XMP."""
    image = picture(size)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=camera_exif(image, orientation), xmp=XMP)
    return buffer.getvalue()


def png_with_text(size=(800, 600)):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "线人张三")
    info.add_text("Comment", "GPS 40.82N 111.67E")
    buffer = io.BytesIO()
    picture(size).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def webp(size=(1200, 800)):
    buffer = io.BytesIO()
    picture(size).save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def png_bomb(width=12_000, height=12_000):
    """A tiny PNG that claims a huge picture: one compressed run of zero rows."""
    raw = zlib.compress(b"\x00" * (width // 8 + 1) * height, 9)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
            + chunk(b"IEND", b""))  # fmt: skip


def truncated_jpeg():
    data = jpeg_from_camera((1600, 1200))
    return data[: len(data) // 2]


def gif_html_polyglot():
    return b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;<script>alert(document.cookie)</script>"


def jpeg_html_polyglot():
    return jpeg_from_camera((400, 300)) + b"<html><script>alert(1)</script></html>"


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>")  # fmt: skip
