"""Pagination that stays cheap at any archive size."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_PAGES = 200


class BoundedPaginator(Paginator):
    """Counts at most MAX_PAGES pages of results: an exact COUNT(*) over a large agency's or
    a common word's tens of thousands of stories costs seconds, and nobody reads page 5000.
    Pages past the bound answer 404 like any page past the end."""

    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        return self.object_list[:limit].count()
