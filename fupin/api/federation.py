"""POST /api/v1/federation/push: where a city's `fupin push` lands on the province's fupin."""

from ninja import Router, Schema

from fupin.reporting.federation import push_receive

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
