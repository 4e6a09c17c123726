"""The ledger as a person may see it: searched a page at a time, and read line by line for an export.

Who sees which lines is units/access.py's answer: the units a person may see, and of those, reports still being
filled in (草稿, 已退回) only where access says they may see reports in progress (leaders see submitted and approved
figures). Both faces share one queryset (ledger_lines), so the export holds exactly what the search finds.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from fupin.core.money import tons_display, wan_exact
from fupin.core.periods import Period
from fupin.quality.checks import Checker
from fupin.quality.models import Channel
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Status, Submission
from fupin.units import access
from fupin.units.models import Unit

PAGE_SIZE = 50  # lines a search page shows, whatever the ledger's size
CHUNK = 2000  # lines read from the database at a time by an export
FINDINGS_BATCH = 50  # reports whose findings are computed together (their lines are held meanwhile)
UNCLASSIFIED = "-"  # the channel filter's value for lines without a standard channel
EXCLUDED_CHOICES = {"": "不限", "no": "计入", "yes": "已剔除"}
ORDER = ("submission__unit__path", "submission__first_month", "submission__last_month", "submission_id",
         "position", "pk")


@dataclass(frozen=True)
class LedgerFilters:
    """What a search narrows the ledger to. Empty fields do not narrow; amounts in 分."""

    period: Period | None = None  # reports lying within it; None: every period
    unit: Unit | None = None  # with the units under it
    product: str = ""
    source: str = ""
    channel: str = ""  # a channel code, UNCLASSIFIED, or "" for any
    text: str = ""  # 说明: the line's 备注 and 上报说明, the report's 工作信息
    amount_min_fen: int | None = None
    amount_max_fen: int | None = None
    status: str = ""  # the report's status
    excluded: str = ""  # "yes", "no", or "" for both


def _visible(user) -> Q:
    """The lines `user` may see: their units, and reports in progress only where access allows it. No user: a
    command run by the office on its own machine, which sees the whole ledger."""
    if user is None:
        return Q()
    units = list(access.visible_units(user).only("pk", "path", "parent_id"))
    in_progress = [u.pk for u in units if access.may(user, "view_in_progress", u)]
    seen = access.visible_units_q(user, "submission__unit__")
    if len(in_progress) == len(units):
        return seen
    return seen & (Q(submission__status__in=COUNTED_STATUSES) | Q(submission__unit_id__in=in_progress))


def ledger_lines(*, user, filters: LedgerFilters) -> QuerySet[PurchaseLine]:
    """Every line `user` may see that the filters keep, in ledger order (unit, period, report, position)."""
    f = filters
    lines = PurchaseLine.objects.filter(_visible(user))
    if f.period is not None:
        lines = lines.filter(submission__first_month__gte=f.period.first, submission__last_month__lte=f.period.last,
                             # implied by the line above; lets PostgreSQL read only those years' partitions
                             period_year__gte=f.period.first.year, period_year__lte=f.period.last.year)
    if f.unit is not None:
        lines = lines.filter(f.unit.subtree_q("submission__unit__"))
    if f.product:
        lines = lines.filter(product__icontains=f.product)
    if f.source:
        lines = lines.filter(source_text__icontains=f.source)
    if f.channel:
        lines = lines.filter(channel_code="" if f.channel == UNCLASSIFIED else f.channel)
    if f.text:
        lines = lines.filter(Q(note__icontains=f.text) | Q(explanation__icontains=f.text)
                             | Q(submission__summary__icontains=f.text))
    if f.amount_min_fen is not None:
        lines = lines.filter(amount_fen__gte=f.amount_min_fen)
    if f.amount_max_fen is not None:
        lines = lines.filter(amount_fen__lte=f.amount_max_fen)
    if f.status:
        lines = lines.filter(submission__status=f.status)
    if f.excluded:
        lines = lines.filter(excluded=f.excluded == "yes")
    return lines.order_by(*ORDER)


def channel_names() -> dict[str, str]:
    return dict(Channel.objects.values_list("code", "name"))


@dataclass
class SearchResult:
    page: Page  # of PurchaseLine (.submission.unit loaded, .channel_name set); .paginator.count: how many found
    channels: dict[str, str]  # code → name


def ledger_search(*, user, filters: LedgerFilters, page: str | int | None = None) -> SearchResult:
    """One page of the lines found: a count and a slice, the same queries whatever the ledger's size."""
    lines = ledger_lines(user=user, filters=filters).select_related("submission__unit")
    found, channels = Paginator(lines, PAGE_SIZE).get_page(page), channel_names()
    found.object_list = list(found.object_list)
    for line in found.object_list:
        line.channel_name = channels.get(line.channel_code, line.channel_code)
    return SearchResult(found, channels)


# ---- the export's rows --------------------------------------------------------------------------------------------

HEADER = ["单位", "统计期间", "序号", "产品名称", "产品来源", "标准渠道", "采购方式", "采购时间", "数量（吨）",
          "金额（万元）", "金额（元）", "用途", "消费类型", "报表状态", "发现的问题", "是否剔除", "剔除原因", "备注",
          "上报说明"]
_FIELDS = ("pk", "submission_id", "submission__unit__short_name", "submission__unit__name",
           "submission__first_month", "submission__last_month", "submission__status", "position", "product",
           "source_text", "channel_code", "method", "purchase_date", "date_text", "quantity_g", "amount_fen", "purpose",
           "consumption_type", "excluded", "exclusion_reason", "note", "explanation")
STATUS_NAMES = dict(Status.choices)


def _row(v: dict, channels: dict[str, str], found: str) -> list:
    """One line as the export writes it: figures as exact Decimals (万元 and 元), text as stored."""
    period = Period(v["submission__first_month"], v["submission__last_month"])
    quantity = tons_display(v["quantity_g"])
    day = v["purchase_date"].isoformat() if v["purchase_date"] else v["date_text"]
    return [v["submission__unit__short_name"] or v["submission__unit__name"], str(period), v["position"],
            v["product"], v["source_text"], channels.get(v["channel_code"], v["channel_code"]), v["method"], day,
            Decimal(quantity) if quantity is not None else None, Decimal(wan_exact(v["amount_fen"])),
            Decimal(v["amount_fen"]).scaleb(-2), v["purpose"], v["consumption_type"],
            STATUS_NAMES.get(v["submission__status"], v["submission__status"]), found,
            "是" if v["excluded"] else "否", v["exclusion_reason"], v["note"], v["explanation"]]


def _chunks(iterable, size: int) -> Iterator[list]:
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


class _LineFindings:
    """The rule names found on each line, computed report by report as the export reaches them.

    A rule looks at a whole report (duplicates) and at the unit's history (amount outliers), so a report's findings
    are those the review queue shows, whichever of its lines the filters keep. Reports are checked FINDINGS_BATCH
    at a time (a few queries a batch, never one a line); a unit's history is dropped once the export has passed it
    (lines come in unit order), so memory is bounded by the largest unit, not the ledger."""

    def __init__(self):
        self.checker = Checker()
        self.by_submission: dict[int, dict[int, str]] = {}  # report → line → rule names

    def get(self, submission_id: int, line_id: int) -> str:
        return self.by_submission[submission_id].get(line_id, "")

    def load(self, submission_ids: list[int]) -> None:
        """Findings of these reports; a report the previous chunk began is kept, the others are dropped."""
        ids = list(dict.fromkeys(submission_ids))
        known = {s: self.by_submission[s] for s in ids if s in self.by_submission}
        self.by_submission = known
        for batch in _chunks([s for s in ids if s not in known], FINDINGS_BATCH):
            submissions = list(Submission.objects.filter(pk__in=batch).select_related("unit"))
            self._forget_units_but({s.unit_id for s in submissions})
            lines: dict[int, list[PurchaseLine]] = {s.pk: [] for s in submissions}
            for line in PurchaseLine.objects.filter(submission__in=batch).order_by("submission", "position", "pk"):
                lines[line.submission_id].append(line)
            self.checker.stated_load(submissions)
            for submission in submissions:
                for line in lines[submission.pk]:
                    line.submission = submission
                names: dict[int, dict[str, None]] = {}
                for finding in self.checker.findings(submission, lines[submission.pk]):
                    if finding.line is not None:
                        names.setdefault(finding.line.pk, {})[finding.rule_name] = None
                self.by_submission[submission.pk] = {pk: "、".join(n) for pk, n in names.items()}

    def _forget_units_but(self, unit_ids: set[int]) -> None:
        # Checker keeps every unit's amounts it has read; an export passes each unit once, in order.
        checker = self.checker
        for cache in (checker._history, checker._spreads):
            for unit_id in [u for u in cache if u not in unit_ids]:
                del cache[unit_id]
        checker._stated.clear()


def ledger_rows(*, user, filters: LedgerFilters, findings: bool = True, chunk_size: int = CHUNK) -> Iterator[list]:
    """The header, then every line `user` may see that the filters keep, with all its attributes, read
    `chunk_size` lines at a time (values(), never model objects for the whole ledger)."""
    yield list(HEADER)
    channels = channel_names()
    judged = _LineFindings() if findings else None
    values = ledger_lines(user=user, filters=filters).values(*_FIELDS).iterator(chunk_size=chunk_size)
    for chunk in _chunks(values, chunk_size):
        if judged is not None:
            judged.load([v["submission_id"] for v in chunk])
        for v in chunk:
            yield _row(v, channels, judged.get(v["submission_id"], v["pk"]) if judged else "")
