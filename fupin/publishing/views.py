from urllib.parse import quote, urlencode

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.errors import UserError
from fupin.core.money import wan_display
from fupin.core.web import period_param
from fupin.insights.aggregates import by_dimension, ranking
from fupin.insights.attachment import attachment_page
from fupin.insights.forms import pivot_form
from fupin.insights.pivot import pivot as pivot_table
from fupin.insights.selectors import scope_root
from fupin.publishing import charts, services
from fupin.publishing.circular_render import CircularText, circular_output
from fupin.publishing.forms import CircularDraftForm, CircularHeadForm
from fupin.publishing.models import Circular, ParagraphKind
from fupin.publishing.pdf import pdf_available
from fupin.publishing.pivot_xlsx import pivot_xlsx
from fupin.publishing.reports.attachment import render as render_attachment
from fupin.reporting.selectors import default_period
from fupin.units import access
from fupin.units.selectors import root_unit

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "png": "image/png",
}
OFFICE_ONLY = "只有市总管理员可以起草和修改通报"


def _download(content: bytes, name: str, fmt: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def attachment(request):
    period, error = period_param(request, default_period())
    # A page of units with their lines; the total and the screening from sums (the downloads list every unit).
    table = attachment_page(period=period, user=request.user, page=request.GET.get("page"))
    return render(request, "publishing/attachment.html", {
        "period": period, "period_error": error, "table": table, "total": wan_display(table.total_fen),
        "excluded": wan_display(table.excluded_fen), "page": table.page,
        "page_link": "?" + urlencode({"period": str(period), "page": ""}),
    })


@login_required
@require_GET
@csp_update({"style-src": UNSAFE_INLINE})  # the .html is a standalone file: its <style> is inline
def attachment_download(request, fmt: str):
    if fmt not in ("json", "xlsx", "docx", "html"):
        raise Http404("没有这种格式")
    period, _ = period_param(request, default_period())
    output = render_attachment(period, fmt, user=request.user)
    response = HttpResponse(output.content, content_type=CONTENT_TYPES[fmt])
    disposition = "attachment" if output.binary or fmt == "json" else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(output.default_name)}"
    return response


# ---- pivot export and chart images --------------------------------------------------------------------------


@login_required
@require_GET
def pivot_export(request):
    form = pivot_form(request.GET)
    unit = request.GET.get("unit", "")
    root = scope_root(request.user, int(unit) if unit.isdigit() else None)
    if not form.is_valid():
        raise Http404("透视条件不正确")
    result = pivot_table(root=root, period=form.cleaned_data["period"] or default_period(),
                         rows=form.cleaned_data["rows"], cols=form.cleaned_data["cols"], filters=form.filters(),
                         measure=form.cleaned_data["measure"] or "amount")
    name = f"透视_{root.display_name}_{result.period}.xlsx".replace(":", "_")
    return _download(pivot_xlsx(result), name, "xlsx")


CHARTS = {"channels": "采购渠道构成", "ranking": "各单位成交额", "methods": "线上线下构成", "trend": "月度趋势"}


@login_required
@require_GET
def chart_png(request, name: str):
    """A dashboard chart as an image, for print and for pasting into documents."""
    if name not in CHARTS:
        raise Http404("没有这个图表")
    period, _ = period_param(request, default_period())
    unit = request.GET.get("unit", "")
    root = scope_root(request.user, int(unit) if unit.isdigit() else None)
    title = f"{root.display_name}{period.label()}{CHARTS[name]}"
    try:
        if name == "ranking":
            png = charts.bar_chart_png([r for r in ranking(root=root, period=period) if r.amount_fen],
                                       title=title, horizontal=True)
        elif name == "trend":
            png = charts.bar_chart_png(by_dimension(root=root, period=period, dimension="month"), title=title)
        else:
            dimension = {"channels": "channel", "methods": "method"}[name]
            png = charts.pie_chart_png(by_dimension(root=root, period=period, dimension=dimension), title=title)
    except UserError as exc:
        return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    return _download(png, f"{title}.png", "png", inline=True)


# ---- the circular ----------------------------------------------------------------------------------------------


def _may_see_circulars(user) -> None:
    """The circular speaks for the whole system: those who may see the root unit; others get 404."""
    root = root_unit()
    if root is None or not access.can_view(user, root):
        raise Http404("页面不存在")


def _office_only(user) -> None:
    _may_see_circulars(user)
    if not access.is_office_admin(user):
        raise PermissionDenied(OFFICE_ONLY)


@login_required
@require_http_methods(["GET", "POST"])
def circulars(request):
    _may_see_circulars(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        _office_only(request.user)
        form = CircularDraftForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                circular = services.circular_draft(period=data["period"], by=request.user, number=data["number"],
                                                   on=data["date"], issuer=data["issuer"], copy_to=data["copy_to"])
            except UserError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已根据台账起草通报，请逐段修改后定稿")
                return redirect("publishing:circular", pk=circular.pk)
    else:
        form = CircularDraftForm(initial={"period": str(default_period()), "date": today.isoformat(),
                                          "number": services.default_number(today),
                                          "issuer": services.default_issuer()})
    items = Circular.objects.select_related("created_by").order_by("-date", "-pk")
    return render(request, "publishing/circulars.html", {"form": form, "circulars": items,
                                                         "may_edit": access.is_office_admin(request.user)})


CHECK_PAGES = {"attachment": "publishing:attachment", "review": "quality:review",
               "timeliness": "reporting:timeliness", "dashboard": "insights:dashboard",
               "compliance": "policy:compliance"}


def _checklist(item: Circular) -> list[dict]:
    """The 核对单 as drafted, each figure linked to the page (for the circular's period) showing its lines,
    and whether the text, as edited since, still states it."""
    text = "".join(p["text"] for p in item.paragraphs)
    query = f"?period={item.period}"
    return [{**row, "href": reverse(CHECK_PAGES[row["link"]]) + query if row.get("link") in CHECK_PAGES else "",
             "in_text": row["figure"] in text} for row in item.checklist]


@login_required
@require_http_methods(["GET", "POST"])
def circular(request, pk: int):
    _may_see_circulars(request.user)
    item = get_object_or_404(Circular, pk=pk)
    head = CircularHeadForm(initial={"number": item.number, "date": item.date.isoformat(), "issuer": item.issuer,
                                     "copy_to": item.copy_to, "printer": item.printer,
                                     "printed_on": item.printed_on.isoformat() if item.printed_on else ""})
    if request.method == "POST":
        _office_only(request.user)
        head = CircularHeadForm(request.POST)
        texts = request.POST.getlist("text")
        if head.is_valid():
            data = head.cleaned_data
            try:
                services.circular_edit(circular=item, by=request.user, texts=texts, number=data["number"],
                                       on=data["date"], issuer=data["issuer"], reason=data["reason"],
                                       copy_to=data["copy_to"], printer=data["printer"],
                                       printed_on=data["printed_on"])
            except UserError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "已保存修改（保留为新版本）")
                return redirect("publishing:circular", pk=item.pk)
    versions = item.history.select_related("history_user").order_by("-history_id")
    kinds = dict(ParagraphKind.choices)
    paragraphs = [{"kind": p["kind"], "kind_label": kinds.get(p["kind"], p["kind"]), "text": p["text"]}
                  for p in item.paragraphs]
    return render(request, "publishing/circular.html", {
        "circular": item, "head": head, "paragraphs": paragraphs, "versions": versions,
        "checklist": _checklist(item),
        "may_edit": access.is_office_admin(request.user) and not item.is_final, "pdf": pdf_available()})


@login_required
@require_POST
def circular_finalize(request, pk: int):
    _office_only(request.user)
    item = get_object_or_404(Circular, pk=pk)
    try:
        services.circular_finalize(circular=item, by=request.user)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"通报{item.number}已定稿")
    return redirect("publishing:circular", pk=item.pk)


@login_required
@require_GET
def circular_download(request, pk: int, fmt: str, version: int | None = None):
    _may_see_circulars(request.user)
    if fmt not in ("docx", "pdf"):
        raise Http404("没有这种格式")
    item = get_object_or_404(Circular, pk=pk)
    if version is not None:
        item = get_object_or_404(item.history, history_id=version).instance
    try:
        output = circular_output(CircularText.of(item), fmt, charts=request.GET.get("charts") == "1")
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("publishing:circular", pk=pk)
    return _download(output.content, output.default_name, fmt)
