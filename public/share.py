"""Sharing a story: the QR code a reader scans with WeChat (扫一扫) to open it on a phone.

Drawn here, as inline SVG, with segno (a maintained, pure-Python QR library): no image
service sees what readers read, and the page makes no request of its own for it.
"""

import functools

import segno


@functools.lru_cache(maxsize=512)
def qr_svg(url):
    """The QR code of ``url`` as inline SVG, sized by the stylesheet (no width or height).
    A URL's code never changes, so it is drawn once per process."""
    code = segno.make_qr(url)
    return code.svg_inline(
        scale=1,
        border=4,  # the quiet zone a scanner needs
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        title="本文链接的二维码",
    )
