from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fupin.core.money import wan_display
from fupin.core.web import period_param
from fupin.insights.attachment import attachment_table
from fupin.insights.selectors import default_period


@login_required
def home(request):
    period, error = period_param(request, default_period())
    table = attachment_table(period=period, user=request.user)
    units = [{"name": row.unit.display_name, "subtotal": wan_display(row.subtotal_fen), "lines": len(row.lines),
              "reported": row.reported} for row in table.units]
    return render(request, "insights/home.html", {
        "period": period, "period_error": error, "table": table, "units": units,
        "total": wan_display(table.total_fen), "reported": sum(u["reported"] for u in units),
    })
