"""City-wide reports: the attachment table, exactly as `fupin report attachment --format json` gives it."""

from ninja import Router

from fupin.api.periods import period_or_404
from fupin.insights.attachment import attachment_table
from fupin.publishing.attachment_formats import attachment_json

router = Router(tags=["统计"])


@router.get("/attachment", summary="附件统计表（与 fupin report attachment --format json 相同）")
def attachment(request, period: str):
    return attachment_json(attachment_table(period=period_or_404(period), user=request.user))
