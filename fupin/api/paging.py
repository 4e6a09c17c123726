"""The API's paging: ?offset=&limit=, the limit bounded so that no request reads an unbounded list."""

from ninja import Schema

LIMIT_MAX = 500


class PageIn(Schema):
    offset: int = 0
    limit: int = 100


def bounds(page: PageIn) -> tuple[int, int]:
    return max(page.offset, 0), min(max(page.limit, 1), LIMIT_MAX)
