"""GET /api/v1/units: the units the token's person may see, paged, in tree order."""

from ninja import Query, Router, Schema

from fupin.api.schemas import UnitsPage
from fupin.units.access import visible_units

router = Router(tags=["单位"])
LIMIT_MAX = 500


class PageIn(Schema):
    offset: int = 0
    limit: int = 100


@router.get("", response=UnitsPage, summary="单位树（按路径排序，分页）")
def units(request, page: Query[PageIn]):
    offset, limit = max(page.offset, 0), min(max(page.limit, 1), LIMIT_MAX)
    query = visible_units(request.user).order_by("path")
    return {"count": query.count(), "offset": offset, "limit": limit,
            "items": list(query[offset:offset + limit])}
