"""POST /api/v1/federation/push: where a city's `fupin push` lands on the province's fupin; GET /cities and
/cities/{id}/{period}: the province's ranking and drill-down, the JSON twins of its /province/ pages."""

from django.core.paginator import Paginator
from ninja import Router, Schema

from fupin.core.periods import Period
from fupin.province.drilldown import city_period
from fupin.province.ranking import city_or_404, ranking
from fupin.province.receive import push_receive

router = Router(tags=["市报省"])


class PushIn(Schema):
    """What `fupin push` sends (format fupin-push/1); amounts in whole 分."""

    format: str
    period: str
    pushed_at: str = ""
    source: dict = {}
    channels: dict[str, str] = {}
    units: list[dict]
    groups: list[dict] = []
    lines: list[dict] | None = None
    total_fen: int = 0


@router.post("/push", summary="接收下级（市）推送的已审核数据，作为该市该期的报表；再次推送即替换")
def push(request, payload: PushIn):
    return push_receive(payload=payload.dict(), by=request.user)


@router.get("/cities", summary="各市某期推送排名：合计、名次、同比/环比、按时/逾期/未推送、版本（分页）")
def cities(request, period: str, page: int = 1, page_size: int = 50):
    result = ranking(period=Period.parse(period), user=request.user)
    size = max(1, min(page_size, 500))
    pages = Paginator(result.rows, size)
    current = pages.get_page(page)
    return {**result.as_json(list(current)), "count": pages.count, "page": current.number,
            "pages": pages.num_pages, "page_size": size}


@router.get("/cities/{city_id}/{period}", summary="某市某期推送的下属单位（按推送方层级，各单位按渠道和采购方式）及推送记录")
def city(request, city_id: int, period: str):
    return city_period(city_or_404(request.user, city_id), Period.parse(period)).as_json()
