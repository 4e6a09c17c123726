"""The dashboard's figures for one subtree and period: each chart's data, and the table shown beside it."""

from dataclasses import dataclass, field, replace

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.insights.screened import Screened, screened
from fupin.insights.year_on_year import YearOnYear, year_on_year
from fupin.reporting.timeliness import TimelinessSummary, timeliness_summary
from fupin.units.models import Unit

STATUS_LABELS = {"on_time": "按时", "late": "逾期", "missing": "未报"}


@dataclass
class Dashboard:
    root: Unit
    period: Period
    summary: ag.Summary
    trend: list[ag.Share]
    channels: list[ag.Share]
    ranking: list[ag.Ranked]
    methods: list[ag.Share]
    timeliness: TimelinessSummary
    year_to_date: ag.Summary | None = None
    month_on_month: ag.MonthOnMonth | None = None
    year_on_year: YearOnYear | None = None  # always set by dashboard(); .exists says whether last year has data
    year_to_date_on_year: YearOnYear | None = None  # 本年累计同比, beside 本年累计 (a month's dashboard)
    charts: dict = field(default_factory=dict)
    screened: Screened = field(default_factory=Screened)  # 已剔除 (not consumption) apart from merged duplicates


def _series(rows) -> dict:
    """Labels and 万元 values as decimal strings (ECharts reads numeric strings; money is never a float)."""
    return {"labels": [r.label for r in rows], "values": [wan_display(r.amount_fen) for r in rows]}


def dashboard(*, root: Unit, period: Period, user) -> Dashboard:
    summary = ag.summary(root=root, period=period)
    trend = ag.by_dimension(root=root, period=period, dimension="month")
    channels = ag.by_dimension(root=root, period=period, dimension="channel")
    ranking = ag.ranking(root=root, period=period)
    if not summary.total.amount_fen:  # nothing reported: no ranks, rather than every unit tied at 1
        ranking = [replace(r, rank=None) for r in ranking]
    methods = ag.by_dimension(root=root, period=period, dimension="method")
    # Counts and the first names by status, in SQL: a province's 2,000 units are never loaded here.
    timeliness = timeliness_summary(period=period, user=user, root=root)
    board = Dashboard(root, period, summary, trend, channels, ranking, methods, timeliness)
    board.screened = screened(root=root, period=period)
    if period.first == period.last:
        board.year_to_date = ag.summary(root=root, period=ag.year_to_date(period.last))
        board.year_to_date_on_year = year_on_year(root=root, period=board.year_to_date.period,
                                                  amount_fen=board.year_to_date.total.amount_fen)
        change = ag.month_on_month(root=root, month=period.last)
        # An empty month (or one after an empty month) has no 环比: "-100.0%" would read as a collapse.
        board.month_on_month = change if change.amount_fen and change.previous_fen else None
    board.year_on_year = year_on_year(root=root, period=period, amount_fen=summary.total.amount_fen)
    board.charts = {
        "trend": _series(trend),
        "channels": _series(channels),
        "ranking": _series([r for r in reversed(ranking) if r.amount_fen]),
        "methods": _series(methods),
        "timeliness": {"labels": list(STATUS_LABELS.values()),
                       "values": [getattr(timeliness, s).count for s in STATUS_LABELS]},
        "year_on_year": board.year_on_year.as_json(),  # not a chart: the page's 同比 for scripts reading the data
    }
    return board
