"""The ledger search page and its export (CSV streamed, xlsx from a temporary file)."""

import tempfile
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.core.errors import UserError
from fupin.insights import ledger_export as files
from fupin.insights.ledger import ledger_rows
from fupin.insights.ledger import ledger_search as search_lines
from fupin.insights.ledger_forms import ENCODINGS, LedgerSearchForm
from fupin.units import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORM_INVALID = "筛选条件有误，请先改正后再导出"


def _form(request) -> LedgerSearchForm:
    """The form over the query string; a unit the person may not see is a 404, as everywhere."""
    unit = request.GET.get("unit", "").strip()
    if unit.isdigit():
        access.unit_for_user_or_404(request.user, int(unit))
    units = list(access.visible_units(request.user).order_by("path"))
    form = LedgerSearchForm(request.GET, units=units)
    form.is_valid()
    return form


def _page(request, form, *, error: str = "", status: int = 200):
    result = search_lines(user=request.user, filters=form.filters(), page=request.GET.get("page")) \
        if form.is_valid() else None
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("encoding", None)
    return render(request, "insights/ledger_search.html", {
        "form": form, "result": result, "query": query.urlencode(), "error": error, "encodings": ENCODINGS,
    }, status=status)


@login_required
@require_GET
def ledger_search(request):
    return _page(request, _form(request))


def _disposition(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


@login_required
@require_GET
def ledger_export(request, fmt: str):
    if fmt not in files.FORMATS:
        raise Http404("没有这种格式")
    form = _form(request)
    if not form.is_valid():
        return _page(request, form, error=EXPORT_FORM_INVALID, status=400)
    filters, user = form.filters(), request.user
    name = files.export_name(filters, fmt)
    if fmt == "xlsx":
        target = tempfile.TemporaryFile(prefix="fupin-ledger-")  # gone once the response closes it
        files.ledger_xlsx(ledger_rows(user=user, filters=filters), target=target)
        target.seek(0)
        response = FileResponse(target, content_type=XLSX)
    else:
        encoding = form.encoding_name()
        if encoding == "gbk":
            try:
                files.gbk_check(user=user, filters=filters)
            except UserError as exc:
                return _page(request, form, error=exc.message, status=400)
        response = StreamingHttpResponse(files.ledger_csv(ledger_rows(user=user, filters=filters), encoding=encoding),
                                         content_type=f"text/csv; charset={encoding}")
    response["Content-Disposition"] = _disposition(name)
    return response
