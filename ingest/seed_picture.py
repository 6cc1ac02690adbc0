"""The seed's photo story lost its picture in the scan (the page keeps only its caption and
credit). So that the demo site shows what a picture story looks like, the seed gives it a
drawn stand-in: an illustration made here, never a photograph, and its alt text says so."""

import io

from PIL import Image, ImageDraw

ALT_TEXT = "示意图（非新闻照片）：版面原图缺失，由系统绘制，示意民警在社区调解现场。"


def draw(width=1800, height=1200):
    """A flat illustration: sky, steppe, a police station, a table and four people."""
    picture = Image.new("RGB", (width, height))
    paint = ImageDraw.Draw(picture)
    horizon = int(height * 0.55)
    for y in range(horizon):  # sky, lighter towards the horizon
        t = y / horizon
        paint.line([(0, y), (width, y)], fill=(int(90 + 120 * t), int(150 + 80 * t), 235))
    for y in range(horizon, height):  # steppe
        t = (y - horizon) / (height - horizon)
        paint.line([(0, y), (width, y)], fill=(int(120 - 40 * t), int(170 - 50 * t), 80))
    # The station: a white block with a blue band and a red roof line.
    left, top = int(width * 0.52), int(height * 0.28)
    paint.rectangle([left, top, int(width * 0.92), horizon + 40], fill=(245, 245, 240))
    paint.rectangle([left, top + 70, int(width * 0.92), top + 130], fill=(25, 70, 160))
    paint.rectangle([left - 10, top - 20, int(width * 0.92) + 10, top], fill=(180, 30, 30))
    for i in range(4):  # windows
        x = left + 40 + i * 150
        paint.rectangle([x, top + 170, x + 90, top + 260], fill=(150, 190, 230))
    # A table in the open, and people around it.
    table_y = int(height * 0.78)
    paint.rectangle([int(width * 0.2), table_y, int(width * 0.55), table_y + 30],
                    fill=(140, 90, 50))  # fmt: skip
    people = [(0.22, (25, 60, 140)), (0.32, (25, 60, 140)), (0.44, (200, 120, 40)),
              (0.53, (90, 90, 90))]  # fmt: skip
    for x, colour in people:
        cx = int(width * x)
        paint.ellipse([cx - 38, table_y - 230, cx + 38, table_y - 154], fill=(235, 200, 170))
        paint.rounded_rectangle([cx - 55, table_y - 150, cx + 55, table_y + 20], radius=30,
                                fill=colour)  # fmt: skip
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
