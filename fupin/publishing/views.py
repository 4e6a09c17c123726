from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.core.money import wan_display
from fupin.core.web import period_param
from fupin.insights.attachment import attachment_table
from fupin.insights.selectors import default_period
from fupin.publishing.reports.attachment import render as render_attachment

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


@login_required
@require_GET
def attachment(request):
    period, error = period_param(request, default_period())
    table = attachment_table(period=period, user=request.user)
    return render(request, "publishing/attachment.html", {
        "period": period, "period_error": error, "table": table, "total": wan_display(table.total_fen),
        "excluded": wan_display(table.excluded_fen),
    })


@login_required
@require_GET
def attachment_download(request, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404("没有这种格式")
    period, _ = period_param(request, default_period())
    output = render_attachment(period, fmt, user=request.user)
    response = HttpResponse(output.content, content_type=CONTENT_TYPES[fmt])
    disposition = "attachment" if output.binary or fmt == "json" else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(output.default_name)}"
    return response
