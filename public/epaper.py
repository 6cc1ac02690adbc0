"""数字报: the printed paper online, edition by edition and page by page.

- ``/epaper/``: the latest edition readers may see, and a calendar of editions by month;
- ``/epaper/2022-06/``: a month's editions;
- ``/epaper/2022-06-17/``: an edition, its pages in order, each with its stories;
- ``/epaper/2022-06-17/1/``: a page, its scan or PDF with its stories beside it, or without
  one its stories laid out as the paper printed them (the lead's headline largest), with
  the previous and next page and edition.

Only live stories count (``Article.objects.live()``, ``PrintPage.objects.live()``): an
edition, month or page without one answers 404, exactly as one that never existed, and is
never linked. Every page is public (public.cache) and costs the same number of queries
whatever its number of stories: the editions readers may see (one, kept under the content
key), the edition's pages (one), their stories (one) and, on a page, the stories' pictures
and renditions and the scan's renditions (one each).
"""

import bisect
import calendar
import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import path, register_converter

from articles.models import Article, PrintPage

from .cache import cached, public_page

WEEKDAYS = "一二三四五六日"


class EditionConverter:
    """An edition's date, as ISO writes it (2022-06-17); a date that does not exist (or
    is written otherwise) matches no page, so it is the 404 of any unknown address."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return datetime.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)

    def to_url(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else str(value)


register_converter(EditionConverter, "edition")
register_converter(MonthConverter, "month")


def day_label(day):
    return f"{day.year}年{day.month}月{day.day}日"


def weekday_label(day):
    return f"星期{WEEKDAYS[day.weekday()]}"


def month_label(month):
    return f"{month.year}年{month.month}月"


# -- Reading -------------------------------------------------------------------------------


def edition_dates(request):
    """The dates of the editions readers may see (a page with a live story), oldest
    first: one query, kept under the content key."""

    def build():
        pages = PrintPage.objects.live().order_by("edition")
        return list(pages.values_list("edition", flat=True).distinct())

    return cached(request, "epaper:editions", build)


def _live_stories():
    """A page's stories as readers see them, in print order."""
    return Article.objects.live().select_related("section").order_by("source_position", "pk")


def edition_pages(day):
    """The pages of the edition ``day`` readers may see, in order, each with ``stories``
    (its live stories, in print order): two queries, whatever their number."""
    stories = _live_stories().defer("body", "body_html")
    return list(
        PrintPage.objects.live()
        .filter(edition=day)
        .order_by("number")
        .prefetch_related(Prefetch("articles", queryset=stories, to_attr="stories"))
    )


def page_and_siblings(day, number):
    """``(page, pages)``: the page ``number`` of the edition ``day`` with its scan (and
    the scan's renditions) and its live stories (with their pictures, to lay them out
    when it has no scan), and the edition's pages readers may see; ``page`` is None when
    readers may not see it."""
    pages = list(
        PrintPage.objects.live()
        .with_files_public()
        .filter(edition=day)
        .order_by("number")
        .select_related("image")
        .prefetch_related("image__renditions")
    )
    page = next((p for p in pages if p.number == number), None)
    if page is not None:
        stories = _live_stories().filter(print_page=page)
        page.shows_files = page.files_public and bool(page.image_id or page.pdf)
        if not page.shows_files:  # laid out with their pictures
            stories = stories.with_pictures()
        page.stories = list(stories)
    return page, pages


def _around(items, item):
    """The items before and after ``item`` in the sorted list ``items`` (or None)."""
    index = bisect.bisect_left(items, item)
    before = items[index - 1] if index > 0 else None
    if index < len(items) and items[index] == item:
        index += 1
    return before, items[index] if index < len(items) else None


def month_calendar(dates, month, current=None):
    """A month's calendar: weeks of days (None outside the month), each with its edition's
    date when it has one; the months with editions before and after; every month with
    editions, newest first, by year."""
    this_month = {d for d in dates if (d.year, d.month) == (month.year, month.month)}
    weeks = [
        [
            None if day.month != month.month else {"day": day, "edition": day in this_month}
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]
    months = sorted({d.replace(day=1) for d in dates})
    before, after = _around(months, month)
    years = {}
    for each in reversed(months):
        years.setdefault(each.year, []).append(each)
    return {
        "month": month,
        "label": month_label(month),
        "weeks": weeks,
        "weekdays": WEEKDAYS,
        "current": current,
        "previous": before,
        "next": after,
        "years": list(years.items()),
    }


def _shell(request, template, context):
    return render(
        request,
        template,
        {
            "day_label": day_label,
            "weekday_label": weekday_label,
            "month_label": month_label,
            **context,
        },
    )


# -- Views ---------------------------------------------------------------------------------


def _edition_context(request, dates, day):
    pages = edition_pages(day)
    if not pages:  # the dates were read a moment before: a story may have gone since
        raise Http404("没有这一期数字报。")
    before, after = _around(dates, day)
    return {
        "day": day,
        "pages": pages,
        "previous_edition": before,
        "next_edition": after,
        "calendar": month_calendar(dates, day.replace(day=1), current=day),
    }


@public_page
def index(request):
    """The latest edition readers may see, with the calendar of editions."""
    dates = edition_dates(request)
    if not dates:
        return _shell(request, "epaper/index.html", {"day": None})
    context = _edition_context(request, dates, dates[-1])
    return _shell(request, "epaper/index.html", context)


@public_page
def edition(request, date):
    dates = edition_dates(request)
    if date not in dates:
        raise Http404("没有这一期数字报。")
    return _shell(request, "epaper/edition.html", _edition_context(request, dates, date))


@public_page
def month(request, month):
    dates = edition_dates(request)
    editions = [d for d in dates if (d.year, d.month) == (month.year, month.month)]
    if not editions:
        raise Http404("这个月没有数字报。")
    return _shell(
        request,
        "epaper/month.html",
        {"editions": editions, "calendar": month_calendar(dates, month)},
    )


@public_page
def page(request, date, number):
    dates = edition_dates(request)
    if date not in dates:
        raise Http404("没有这一版。")
    current, pages = page_and_siblings(date, number)
    if current is None or not current.stories:
        raise Http404("没有这一版。")
    before_page, after_page = _around([p.number for p in pages], number)
    by_number = {p.number: p for p in pages}
    before, after = _around(dates, date)
    context = {
        "day": date,
        "page": current,
        "pages": pages,
        "stories": current.stories,
        "previous_page": by_number.get(before_page),
        "next_page": by_number.get(after_page),
        "previous_edition": before,
        "next_edition": after,
    }
    return _shell(request, "epaper/page.html", context)


urlpatterns = [
    path("", index, name="index"),
    path("<month:month>/", month, name="month"),
    path("<edition:date>/", edition, name="edition"),
    path("<edition:date>/<int:number>/", page, name="page"),
]
