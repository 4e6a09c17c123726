"""City-wide reports: the attachment table, exactly as `fupin report attachment --format json` gives it."""

from django.http import Http404
from ninja import Router

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights.attachment import attachment_table
from fupin.publishing.attachment_formats import attachment_json

router = Router(tags=["统计"])


@router.get("/attachment", summary="附件统计表（与 fupin report attachment --format json 相同）")
def attachment(request, period: str):
    try:
        period_ = Period.parse(period)
    except UserError as exc:
        raise Http404(exc.message) from None
    return attachment_json(attachment_table(period=period_, user=request.user))
