"""The attachment table (附件) of a circular: every active unit, its lines and subtotal, and the total."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, Sum

from fupin.core.periods import Period
from fupin.insights.reported_months import reported_units_count
from fupin.insights.screened import is_merged
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, root_unit, units_q

OVERVIEW_PAGE_SIZE = 100  # units a page of the home table lists (a province has 2,000)


@dataclass
class AttachmentLine:
    product: str
    source: str
    channel: str
    method: str
    method_text: str
    date: date | None
    quantity_g: int | None
    amount_fen: int
    date_text: str = ""  # 采购时间 as the unit wrote it ("11月"), shown when it is not a full date


@dataclass
class AttachmentUnit:
    unit: Unit
    lines: list[AttachmentLine] = field(default_factory=list)
    reported: bool = False

    @cached_property
    def subtotal_fen(self) -> int:
        """Summed once, after the table is filled (the formats ask for it more than once a unit)."""
        return sum(line.amount_fen for line in self.lines)


@dataclass
class AttachmentTable:
    period: Period
    title: str
    units: list[AttachmentUnit]
    excluded_fen: int = 0
    excluded_lines: int = 0
    # Counted submissions that straddle the period's edge: they cannot be split by month, so they are left out.
    straddling: list[Submission] = field(default_factory=list)

    @cached_property
    def total_fen(self) -> int:
        return sum(u.subtotal_fen for u in self.units)

    @cached_property
    def line_count(self) -> int:
        return sum(len(u.lines) for u in self.units)


def system_name(root: Unit | None) -> str:
    """平顶山市总工会 → 平顶山市工会系统, as the circular's title says."""
    if root is None:
        return ""
    return root.name.replace("总工会", "工会系统") if "总工会" in root.name else root.name


def _table_units(period: Period, user, root: Unit):
    """The table's units, and the retired ones among them (they reported lines in the period)."""
    from fupin.insights.models import SubmissionSum

    # A retired unit stays in the tables of the periods it reported lines in (a counted submission has sums
    # exactly when it has lines). Asked of the few retired units, not of every submission or line.
    retired = list(Unit.objects.filter(root.subtree_q(), active=False).values_list("pk", flat=True))
    also = list(Submission.objects.filter(
        Exists(SubmissionSum.objects.filter(submission_id=OuterRef("pk"))), unit_id__in=retired,
        status__in=COUNTED_STATUSES, first_month__gte=period.first, last_month__lte=period.last)
        .values_list("unit_id", flat=True).distinct()) if retired else []
    units = reporting_units(root, also=also)
    if user is not None:
        units = units.filter(access.visible_units_q(user))
    return units, also


@dataclass
class UnitSubtotal:
    unit: Unit
    lines: int = 0
    subtotal_fen: int = 0
    reported: bool = False


@dataclass
class AttachmentOverview:
    """The attachment table without its lines, one page of units at a time: what the home page shows."""

    period: Period
    title: str
    units: list[UnitSubtotal]  # the page's
    page: Page
    unit_count: int = 0
    reported_count: int = 0
    total_fen: int = 0
    line_count: int = 0


def _sums_by_unit(period: Period, units) -> dict[int, tuple[int, int]]:
    """unit id → (amount, lines) of the counted lines the attachment table lists, from the submissions' sums."""
    from fupin.insights.models import SubmissionSum

    rows = (SubmissionSum.objects.filter(submission__status__in=COUNTED_STATUSES,
                                         submission__first_month__gte=period.first,
                                         submission__last_month__lte=period.last, submission__unit__in=units)
            .values_list("submission__unit_id").annotate(a=Sum("amount_fen"), n=Sum("line_count")).order_by())
    return {unit_id: (a, n) for unit_id, a, n in rows}


def _totals(period: Period, user, root: Unit, units) -> tuple[int, int]:
    """The table's total and line count. Seen whole, from the root's rollup rows less its own lines (the table
    lists the units below it); a part of the tree, from its units' submission sums."""
    from fupin.insights import aggregates as ag

    if (user is None or access.can_view(user, root)) and ag.uses_rollup(root, False):
        whole = ag.aggregate(root=root, period=period).total
        own = _sums_by_unit(period, [root.pk]).get(root.pk, (0, 0))
        return whole.amount_fen - own[0], whole.lines - own[1]
    sums = _sums_by_unit(period, units.values("pk")).values()
    return sum(a for a, _ in sums), sum(n for _, n in sums)


def attachment_overview(*, period: Period, user=None, root: Unit | None = None, page=None,
                        size: int = OVERVIEW_PAGE_SIZE) -> AttachmentOverview:
    """Each unit's line count and subtotal as the attachment table has them, for one page of units, and the
    totals: a fixed number of queries over rollup rows and submission sums (kept at write), never the lines."""
    root = root or root_unit()
    units, also = _table_units(period, user, root)
    paged = Paginator(units, size).get_page(page)
    rows = [UnitSubtotal(unit=u) for u in paged]
    sums = _sums_by_unit(period, [r.unit.pk for r in rows])
    within = dict(status__in=COUNTED_STATUSES, first_month__gte=period.first, last_month__lte=period.last)
    reported = set(Submission.objects.filter(unit__in=[r.unit.pk for r in rows], **within)
                   .values_list("unit_id", flat=True))
    for row in rows:
        row.subtotal_fen, row.lines = sums.get(row.unit.pk, (0, 0))
        row.reported = row.unit.pk in reported
    total, lines = _totals(period, user, root, units)
    return AttachmentOverview(
        period=period, title=f"{system_name(root)}{period.label()}消费扶贫统计", units=rows, page=paged,
        unit_count=paged.paginator.count, total_fen=total, line_count=lines,
        reported_count=reported_units_count(period, units_q("unit_id", units, root=root, user=user, also=also)))


def attachment_table(*, period: Period, user=None, root: Unit | None = None) -> AttachmentTable:
    """Lines of counted submissions lying within `period`, for the units `user` may see (all, without a user)."""
    root = root or root_unit()
    rows = {u.pk: AttachmentUnit(unit=u) for u in _table_units(period, user, root)[0]}
    within = Q(submission__first_month__gte=period.first, submission__last_month__lte=period.last,
               submission__status__in=COUNTED_STATUSES, submission__unit__in=list(rows))
    lines = (PurchaseLine.objects.filter(within)
             .order_by("submission__first_month", "submission_id", "position", "pk")
             .values_list("submission__unit_id", "product", "source_text", "channel_code", "method", "method_text",
                          "purchase_date", "quantity_g", "amount_fen", "excluded", "date_text", "exclusion_reason"))
    table = AttachmentTable(period=period, title=f"{system_name(root)}{period.label()}消费扶贫统计",
                            units=list(rows.values()))
    for unit_id, product, source, channel, method, method_text, day, quantity, amount, excluded, day_text, why in lines:
        if excluded:
            if not is_merged(why):  # a merged line's money went into the line it joined: it is still counted
                table.excluded_fen += amount
                table.excluded_lines += 1
            continue
        rows[unit_id].lines.append(AttachmentLine(product, source, channel, method, method_text, day, quantity,
                                                  amount, day_text))
    reported = Submission.objects.filter(unit__in=list(rows), status__in=COUNTED_STATUSES,
                                         first_month__gte=period.first, last_month__lte=period.last)
    for unit_id in reported.values_list("unit_id", flat=True):
        rows[unit_id].reported = True
    table.straddling = list(
        Submission.objects.filter(unit__in=list(rows), status__in=COUNTED_STATUSES)
        .filter(first_month__lte=period.last, last_month__gte=period.first)
        .exclude(first_month__gte=period.first, last_month__lte=period.last)
        .select_related("unit"))
    return table


@dataclass
class AttachmentPage(AttachmentTable):
    """One page of the attachment table for the web: the page's units with their lines, the whole table's total
    and screening from sums. The downloads (attachment_table) still list every unit."""

    page: Page | None = None
    total_all_fen: int = 0

    @cached_property
    def total_fen(self) -> int:
        return self.total_all_fen


def _lines_of(period: Period, unit_ids: list[int]):
    within = Q(submission__first_month__gte=period.first, submission__last_month__lte=period.last,
               submission__status__in=COUNTED_STATUSES, submission__unit__in=unit_ids, excluded=False)
    return (PurchaseLine.objects.filter(within)
            .order_by("submission__first_month", "submission_id", "position", "pk")
            .values_list("submission__unit_id", "product", "source_text", "channel_code", "method", "method_text",
                         "purchase_date", "quantity_g", "amount_fen", "date_text"))


def attachment_page(*, period: Period, user=None, root: Unit | None = None, page=None,
                    size: int = OVERVIEW_PAGE_SIZE) -> AttachmentPage:
    """The attachment table a page of units at a time (attachment_overview's page and totals), with the lines of
    that page's units only: a bounded page whatever the ledger's size."""
    from fupin.insights.screened import screened_of_units

    root = root or root_unit()
    overview = attachment_overview(period=period, user=user, root=root, page=page, size=size)
    rows = {r.unit.pk: AttachmentUnit(unit=r.unit, reported=r.reported) for r in overview.units}
    for unit_id, product, source, channel, method, method_text, day, quantity, amount, day_text in \
            _lines_of(period, list(rows)):
        rows[unit_id].lines.append(AttachmentLine(product, source, channel, method, method_text, day, quantity,
                                                  amount, day_text))
    units = _table_units(period, user, root)[0]
    excluded_lines, excluded_fen = screened_of_units(units.values("pk"), period)
    table = AttachmentPage(period=period, title=overview.title, units=list(rows.values()), page=overview.page,
                           total_all_fen=overview.total_fen, excluded_lines=excluded_lines,
                           excluded_fen=excluded_fen)
    table.straddling = list(
        Submission.objects.filter(unit__in=units.values("pk"), status__in=COUNTED_STATUSES)
        .filter(first_month__lte=period.last, last_month__gte=period.first)
        .exclude(first_month__gte=period.first, last_month__lte=period.last)
        .select_related("unit").order_by("unit__path", "first_month")[:50])
    return table
