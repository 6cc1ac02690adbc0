"""Pagination that stays cheap at any archive size."""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

MAX_PAGES = 200


class BoundedPaginator(Paginator):
    """Counts at most MAX_PAGES pages of results: an exact COUNT(*) over a common word's tens
    of thousands of matches costs seconds, and nobody reads page 5000. Pages past the bound
    answer 404 like any page past the end. Used where the total is shown (search)."""

    count_is_known = True

    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        if isinstance(self.object_list, list):
            return len(self.object_list[:limit])
        return self.object_list[:limit].count()


class NextPage(Page):
    """A page that knows whether another follows it, not how many there are."""

    def __init__(self, object_list, number, paginator, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def next_page_number(self):
        if not self._has_next:
            raise EmptyPage(self.paginator.error_messages["no_results"])
        return self.number + 1


class NextPagePaginator(Paginator):
    """Pages of a story list without counting it: each page reads one row more than it
    shows, to know whether a next page exists. The cost of a page is then the same with
    1 000 stories as with 100 000 (an exact count of a large section or bureau grows with
    the archive). Pages past MAX_PAGES, or past the end, answer 404."""

    count_is_known = False

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGES:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return NextPage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)

    @cached_property
    def num_pages(self):
        raise NotImplementedError("NextPagePaginator does not count pages.")

    @cached_property
    def count(self):
        raise NotImplementedError("NextPagePaginator does not count stories.")
