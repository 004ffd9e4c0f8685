"""Pages of a list whose count and depth never cost the whole table.

Counting: a list of up to EXACT rows is counted exactly on every page (one cheap LIMITed count).
A longer one is counted once and the number kept in the cache for COUNT_SECONDS: a district's
45,000 partners are not recounted for every page view. Depth: only the first MAX_ROWS rows can be
paged to; past them a page asks to filter instead (an OFFSET of tens of thousands costs as much
as the rows it skips, and nobody reads page 1,500 of a list).
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

EXACT = 1_000
COUNT_SECONDS = 60
MAX_ROWS = 5_000
# From this offset on, a page first picks its rows' ids from the list's index alone, then reads
# just those rows (a "deferred join"): the rows skipped are never read from the table.
DEFER_FROM = 500


class CappedPaginator(Paginator):
    max_rows = MAX_ROWS

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by()
        few = rows[: EXACT + 1].count()
        if few <= EXACT:
            return few
        sql, params = rows.query.sql_with_params()
        key = "count:" + hashlib.sha256(f"{sql}|{params}".encode()).hexdigest()
        total = cache.get(key)
        if total is None:
            total = rows.count()
            if not connection.in_atomic_block:  # a count inside a transaction may be rolled back
                cache.set(key, total, COUNT_SECONDS)
        return total

    @cached_property
    def num_pages(self) -> int:
        reachable = min(self.count, self.max_rows)
        return max(1, math.ceil(reachable / self.per_page)) if reachable else 1

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEFER_FROM or not hasattr(self.object_list, "values"):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    @property
    def capped(self) -> bool:
        """More rows exist than can be paged to."""
        return self.count > self.max_rows


def paginate(request, queryset, per_page: int | None = None):
    """The requested page (a bad or too high number gives the nearest page, never an error)."""
    paginator = CappedPaginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
