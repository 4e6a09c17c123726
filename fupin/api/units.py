"""GET /api/v1/units: the units the token's person may see, paged, in tree order."""

from ninja import Query, Router

from fupin.api.paging import PageIn, bounds
from fupin.api.schemas import UnitsPage
from fupin.units.access import visible_units

router = Router(tags=["单位"])


@router.get("", response=UnitsPage, summary="单位树（按路径排序，分页）")
def units(request, page: Query[PageIn]):
    offset, limit = bounds(page)
    query = visible_units(request.user).order_by("path")
    return {"count": query.count(), "offset": offset, "limit": limit,
            "items": list(query[offset:offset + limit])}
