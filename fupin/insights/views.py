from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.core.money import wan_display
from fupin.core.web import period_param
from fupin.insights.attachment import attachment_overview
from fupin.insights.dashboard import dashboard as dashboard_figures
from fupin.insights.forms import pivot_form
from fupin.insights.pivot import pivot as pivot_table
from fupin.insights.selectors import scope_root
from fupin.reporting.selectors import default_period


@login_required
def home(request):
    period, error = period_param(request, default_period())
    # A page of units and the totals from rollups and submission sums, never the lines: bounded at any size.
    table = attachment_overview(period=period, user=request.user, page=request.GET.get("page"))
    units = [{"name": row.unit.display_name, "subtotal": wan_display(row.subtotal_fen), "lines": row.lines,
              "reported": row.reported} for row in table.units]
    return render(request, "insights/home.html", {
        "period": period, "period_error": error, "table": table, "units": units, "page": table.page,
        "unit_count": table.unit_count, "page_link": "?" + urlencode({"period": str(period), "page": ""}),
        "total": wan_display(table.total_fen), "reported": table.reported_count,
    })


def _unit_param(request):
    text = request.GET.get("unit", "").strip()
    return int(text) if text.isdigit() else None


@login_required
@require_GET
def dashboard(request):
    period, error = period_param(request, default_period())
    root = scope_root(request.user, _unit_param(request))
    board = dashboard_figures(root=root, period=period, user=request.user)
    return render(request, "insights/dashboard.html", {"board": board, "period": period, "period_error": error,
                                                       "root": root})


@login_required
@require_GET
def pivot(request):
    form = pivot_form(request.GET)
    root = scope_root(request.user, _unit_param(request))
    result = None
    if form.is_valid():
        period = form.cleaned_data["period"] or default_period()
        result = pivot_table(root=root, period=period, rows=form.cleaned_data["rows"],
                             cols=form.cleaned_data["cols"], filters=form.filters(),
                             measure=form.cleaned_data["measure"] or "amount")
    else:
        period = default_period()
    return render(request, "insights/pivot.html", {"form": form, "pivot": result, "root": root, "period": period,
                                                   "query": request.GET.urlencode()})
