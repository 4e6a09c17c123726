"""The province's pages: its cities ranked for a period, and one city's period drilled into. Who sees which city
is units.access's answer (the office all, a city's account its own city)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.core.web import period_param
from fupin.province.drilldown import city_period
from fupin.province.ranking import city_or_404, latest_pushed_period, ranking
from fupin.reporting.models import period_name
from fupin.reporting.timeliness import latest_due_period

PAGE_SIZE = 50  # cities a page lists (a province has about 20; the whole country's view has more)


@login_required
@require_GET
def index(request):
    period, error = period_param(request, latest_pushed_period(latest_due_period()))
    result = ranking(period=period, user=request.user)
    page = Paginator(result.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.link = "?" + urlencode({"period": str(period), "page": ""})
    return render(request, "province/ranking.html", {
        "r": result, "rows": page, "period": period, "period_error": error, "period_label": period_name(period)})


@login_required
@require_GET
def city(request, city_id: int, period: str):
    unit = city_or_404(request.user, city_id)
    try:
        period_ = Period.parse(period)
    except UserError as exc:
        raise Http404(exc.message) from None
    detail = city_period(unit, period_)
    return render(request, "province/city.html", {
        "d": detail, "city": unit, "period": period_, "period_label": period_name(period_)})
