"""A line's history as a person reads it, from the audit trail (django-simple-history on PurchaseLine): who, when,
which field, before → after, and why.

Two queries a page whatever the report's size: the page of audit rows, each with the id of its line's previous
row, then those previous rows at once; no row asks for its predecessor alone. The caller has checked that the person
may see the unit and the report (units.access, selectors.submission_shown).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db.models import OuterRef, Subquery

from fupin.core.money import tons_display, wan_display
from fupin.core.periods import date_cn
from fupin.reporting.models import PurchaseLine, Submission

PAGE_SIZE = 50
# Fields kept by the audit trail that are bookkeeping, not what a person changed.
NOT_SHOWN = {"id", "submission"}
# Stored units → shown units: the label and the unit written after the figures.
LABELS = {"amount_fen": ("金额", "万元"), "quantity_g": ("数量", "吨")}
KIND_ADDED, KIND_CHANGED, KIND_REMOVED = "新增", "修改", "删除"
SYSTEM = "系统"


@dataclass
class Change:
    when: datetime
    who: str
    kind: str  # 新增, 修改, 删除
    line_id: int
    line_label: str  # 第3行 小米
    field: str = ""  # the field's Chinese name; "" for a line added or removed as a whole
    before: str = ""
    after: str = ""
    unit: str = ""  # 万元, 吨: written once after before → after
    reason: str = ""


@dataclass
class History:
    changes: list[Change] = field(default_factory=list)
    page: int = 1
    has_more: bool = False  # older changes on the next page


def _fields() -> list:
    return [f for f in PurchaseLine.history.model.tracked_fields if f.name not in NOT_SHOWN]


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return SYSTEM
    return user.first_name or user.username


def _channel_names() -> dict[str, str]:
    """Standard channels by code. Looked up by name, not imported: quality stands on reporting, not the reverse."""
    return dict(apps.get_model("quality", "Channel").objects.values_list("code", "name"))


class _Shown:
    """Values as the pages show them: 万元 and 吨, 2020年10月27日, 是/否, channel names (read once, if needed)."""

    def __init__(self):
        self._channels: dict[str, str] | None = None

    def __call__(self, name: str, value) -> str:
        if value is None or value == "":
            return "（空）"
        if name == "amount_fen":
            return wan_display(value)
        if name == "quantity_g":
            return tons_display(value)
        if name == "channel_code":
            if self._channels is None:
                self._channels = _channel_names()
            return self._channels.get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, date):
            return date_cn(value)
        return str(value)


def _label(record) -> str:
    return f"第{record.position}行 {record.product or record.source_text}".strip()


def _changes(record, previous, fields, shown: _Shown) -> list[Change]:
    base = {"when": record.history_date, "who": _who(record), "line_id": record.id, "line_label": _label(record),
            "reason": record.history_change_reason or ""}
    if record.history_type in ("+", "-") or previous is None:  # (a change without a predecessor: as an entry)
        what = f"{shown('amount_fen', record.amount_fen)} 万元"
        added = record.history_type != "-"
        return [Change(kind=KIND_ADDED if added else KIND_REMOVED, before="" if added else what,
                       after=what if added else "", **base)]
    out = []
    for f in fields:
        before, after = getattr(previous, f.attname), getattr(record, f.attname)
        if before == after:
            continue
        label, unit = LABELS.get(f.name, (str(f.verbose_name), ""))
        out.append(Change(kind=KIND_CHANGED, field=label, before=shown(f.name, before), after=shown(f.name, after),
                          unit=unit, **base))
    return out


def _history(records, page: int, size: int) -> History:
    fields = _fields()
    model = PurchaseLine.history.model
    # Each audit row's predecessor (the same line's row written just before it), found by the index on the line's
    # id for the page's rows only: a page costs the same whether the report has ten lines or 100,000.
    before = model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
    records = records.annotate(previous_id=Subquery(before.values("history_id")[:1]))
    start = (max(page, 1) - 1) * size
    rows = list(records.select_related("history_user").order_by("-history_date", "-history_id")[start:start + size + 1])
    result = History(page=max(page, 1), has_more=len(rows) > size)
    rows = rows[:size]
    wanted = [r.previous_id for r in rows if r.history_type == "~" and r.previous_id]
    previous = model.objects.in_bulk(wanted) if wanted else {}
    shown = _Shown()
    for record in rows:
        result.changes.extend(_changes(record, previous.get(record.previous_id), fields, shown))
    return result


def line_history(line: PurchaseLine, *, page: int = 1, size: int = PAGE_SIZE) -> History:
    """One line's changes, newest first: its entry, each change of a field, its removal."""
    return _history(PurchaseLine.history.filter(id=line.pk), page, size)


def submission_line_history(submission: Submission, *, page: int = 1, size: int = PAGE_SIZE) -> History:
    """The changes to all the report's lines (those since removed too), newest first, a page at a time."""
    return _history(PurchaseLine.history.filter(submission_id=submission.pk), page, size)
