"""Writes to the ledger. Each runs in one transaction and leaves an audit row (django-simple-history)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.units.models import Unit

SUBMISSION_EXISTS = "{unit}已有{period}的报表；如需替换请使用替换选项"


@dataclass
class LineInput:
    amount_fen: int
    product: str = ""
    source_text: str = ""
    channel_code: str = ""
    method_text: str = ""
    method: str = ""
    date_text: str = ""
    purchase_date: date | None = None
    quantity_g: int | None = None
    consumption_type: str = ""
    purpose: str = ""
    note: str = ""
    explanation: str = ""
    extra: dict = field(default_factory=dict)


def _attribute(obj, by) -> None:
    """Tell simple-history who made this change (outside a request, where its middleware cannot)."""
    if by is not None:
        obj._history_user = by


def submission_create(*, unit: Unit, period: Period, lines: list[LineInput], by, status: str = Status.DRAFT,
                      submitted_at: datetime | None = None, replace: bool = False) -> Submission:
    """Store a unit's report for a period with its lines. With `replace`, the old lines go (kept in history)."""
    with transaction.atomic():
        existing = (Submission.objects.select_for_update()
                    .filter(unit=unit, first_month=period.first, last_month=period.last).first())
        if existing and not replace:
            raise UserError(SUBMISSION_EXISTS.format(unit=unit.display_name, period=period))
        submission = existing or Submission(unit=unit, first_month=period.first, last_month=period.last,
                                            created_by=by)
        if existing:
            for old in existing.lines.all():
                _attribute(old, by)
                old.delete()
        submission.status = status
        if status in (Status.SUBMITTED, Status.APPROVED):
            submission.submitted_at = submitted_at or timezone.now()
            submission.submitted_by = by
        submission.is_zero_report = not lines and status != Status.DRAFT
        _attribute(submission, by)
        submission.full_clean()
        submission.save()
        lines_bulk_add(submission=submission, lines=lines, by=by)
    return submission


def lines_bulk_add(*, submission: Submission, lines: list[LineInput], by, start: int = 1) -> None:
    """Validate and insert many lines with their history rows in batches (an import may bring 100,000)."""
    objs = []
    for position, data in enumerate(lines, start=start):
        obj = PurchaseLine(submission=submission, position=position,
                           **{k: v for k, v in data.__dict__.items() if k != "extra"})
        obj.clean_fields(exclude=["submission"])
        objs.append(obj)
    bulk_create_with_history(objs, PurchaseLine, batch_size=2000, default_user=by)


def line_add(*, submission: Submission, data: LineInput, by, position: int | None = None) -> PurchaseLine:
    values = {k: v for k, v in data.__dict__.items() if k != "extra"}
    if position is None:
        position = (submission.lines.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    line = PurchaseLine(submission=submission, position=position, **values)
    _attribute(line, by)
    line.full_clean(exclude=["submission"])
    line.save()
    return line


LINE_EDITABLE = {"product", "source_text", "channel_code", "method_text", "method", "date_text", "purchase_date",
                 "quantity_g", "amount_fen", "consumption_type", "purpose", "note", "explanation"}


def line_update(*, line: PurchaseLine, by, reason: str = "", **changes) -> PurchaseLine:
    """Change fields of a line; the audit trail keeps who, when, before and after (and why)."""
    unknown = set(changes) - LINE_EDITABLE
    if unknown:
        raise UserError(f"不能修改字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        line = PurchaseLine.objects.select_for_update().get(pk=line.pk)
        for name, value in changes.items():
            setattr(line, name, value)
        line._change_reason = reason
        _attribute(line, by)
        line.full_clean()
        line.save()
    return line
