"""The attachment table (附件) of a circular: every active unit, its lines and subtotal, and the total."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from fupin.core.periods import Period
from fupin.insights.screened import is_merged
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, root_unit


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

    @property
    def subtotal_fen(self) -> int:
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

    @property
    def total_fen(self) -> int:
        return sum(u.subtotal_fen for u in self.units)

    @property
    def line_count(self) -> int:
        return sum(len(u.lines) for u in self.units)


def system_name(root: Unit | None) -> str:
    """平顶山市总工会 → 平顶山市工会系统, as the circular's title says."""
    if root is None:
        return ""
    return root.name.replace("总工会", "工会系统") if "总工会" in root.name else root.name


def attachment_table(*, period: Period, user=None, root: Unit | None = None) -> AttachmentTable:
    """Lines of counted submissions lying within `period`, for the units `user` may see (all, without a user)."""
    root = root or root_unit()
    units = reporting_units(root)
    if user is not None:
        units = units.filter(access.visible_units_q(user))
    rows = {u.pk: AttachmentUnit(unit=u) for u in units}
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
