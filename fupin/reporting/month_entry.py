"""A unit's whole month in one request: its lines (and, if asked, the submission) stored together.

On deadline day a reporter who adds three lines one by one and then submits makes five requests, each taking the
write lock; this makes it one. Every line is judged by the one validator (reporting.validation), exactly as a
line added alone; a refused line refuses the whole month and nothing is stored.
"""

from dataclasses import dataclass, field

from django.db import transaction

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.models import Submission
from fupin.reporting.services import (
    LineInput,
    attribute_change,
    ensure_unit_may_change,
    lines_bulk_add,
    lines_retire,
    sign_off_clear,
    submission_create_submitted,
    submission_fields_clean,
    submission_lock_or_create,
    submission_submit_locked,
)
from fupin.reporting.signals import submission_saved
from fupin.reporting.validation import Check, LineRefused, LineValidator
from fupin.units.models import Unit

MONTH_EMPTY = "没有填写任何明细：请至少填写一行，或勾选“零报告（本期无消费扶贫采购）”"
MONTH_ROW_REFUSED = "第{row}行：{reasons}"


class MonthRefused(UserError):
    """Rows refused by the validator, by their row number on the form (1-based)."""

    def __init__(self, refused: dict[int, LineRefused]):
        details = [MONTH_ROW_REFUSED.format(row=row, reasons="；".join(c.message for c in exc.checks))
                   for row, exc in sorted(refused.items())]
        super().__init__(f"有{len(refused)}行明细未通过检查，本月明细都未保存", details=details)
        self.refused = refused


@dataclass
class MonthSaved:
    submission: Submission
    added: int
    checks: dict[int, list[Check]] = field(default_factory=dict)  # 警告/提示 by row, for the page to show
    submitted: bool = False
    submit_refused: UserError | None = None


def rows_judged(*, period: Period, rows: dict[int, LineInput]) -> tuple[dict[int, list[Check]],
                                                                      dict[int, LineRefused]]:
    """Each row through the one validator: what it says of the rows it takes, and the rows it refuses."""
    validator = LineValidator(period=period, fill_defaults=True)  # the month's lines are stored, then saved
    checks, refused = {}, {}
    for row, line in rows.items():
        try:
            checks[row] = validator.refuse_errors(line)
        except LineRefused as exc:
            refused[row] = exc
    return checks, refused


def month_save(*, unit: Unit, period: Period, rows: dict[int, LineInput], by, summary: str | None = None,
               is_zero_report: bool = False, submit: bool = False) -> MonthSaved:
    """Add the rows' lines to the unit's report for the period (begun if missing), then submit it if asked.
    The lines are stored even when the submission is refused (the page says why, the lines stay to be fixed).

    `rows` maps the form's row numbers to lines, so that a refusal names the row the person sees.
    """
    if not rows and not is_zero_report:
        raise UserError(MONTH_EMPTY)
    checks, refused = rows_judged(period=period, rows=rows)
    if refused:
        raise MonthRefused(refused)
    # One transaction for the lines and the submission: deadline day's writers queue for the database one
    # transaction each, and the review queue is refreshed once, after the commit.
    reason = f"整月填报：新增{len(rows)}条明细" if rows else ""
    kept = {row: found for row, found in checks.items() if found}
    summary_field = {"summary": summary.strip()} if summary is not None else {}
    if submit and bool(rows) != is_zero_report:  # a new report going up at once: created 已上报 in one insert
        new = submission_create_submitted(unit=unit, period=period, lines=list(rows.values()), by=by,
                                          reason=f"{reason}，上报" if reason else "上报",
                                          is_zero_report=is_zero_report, **summary_field)
        if new is not None:
            return MonthSaved(submission=new, added=len(rows), checks=kept, submitted=True)
    with transaction.atomic():
        # A new report is created with the month's fields, its audit row giving the reason; its lines follow.
        submission, created = submission_lock_or_create(unit, period, by, reason=reason,
                                                        is_zero_report=is_zero_report, **summary_field)
        submission.unit = unit  # the row was looked up by it: no query to load it again
        ensure_unit_may_change(submission, by)
        if created:
            if rows:
                lines_bulk_add(submission=submission, lines=list(rows.values()), by=by, fresh=True)
        # An existing one: the summary, the zero-report mark and the lines are saved together, one audited save
        # of the report (as `submission_update` would check and save it), not one for the fields and one for the
        # lines.
        elif summary is not None or is_zero_report != submission.is_zero_report or rows:
            if summary is not None:
                submission.summary = summary.strip()
            submission.is_zero_report = is_zero_report
            submission_fields_clean(submission)
            if rows:
                last = submission.lines.order_by("-position").values_list("position", flat=True).first() or 0
                lines_bulk_add(submission=submission, lines=list(rows.values()), by=by, start=last + 1)
            sign_off_clear(submission)
            attribute_change(submission, by, reason)
            submission.save()  # the rollup and the audit trail hear of the lines through their report
        if rows:
            submission_saved.send(sender=Submission, submission=submission, by=by)
        saved = MonthSaved(submission=submission, added=len(rows), checks=kept)
        if submit:  # a refused submission (a 警告 awaiting 上报说明) keeps what was typed: it is refused whole
            try:
                saved.submission = submission_submit_locked(submission, by)
                saved.submitted = True
            except UserError as exc:
                saved.submit_refused = exc
    return saved


def month_replace(*, unit: Unit, period: Period, rows: dict[int, LineInput], by, summary: str | None = None,
                  is_zero_report: bool = False) -> MonthSaved:
    """The unit's lines for the period become exactly `rows` (the API's PUT): the old ones leave the ledger with
    their audit rows, as a re-imported file's do. Only a report the unit may still change is replaced."""
    checks, refused = rows_judged(period=period, rows=rows)
    if refused:
        raise MonthRefused(refused)
    with transaction.atomic():
        submission, _ = submission_lock_or_create(unit, period, by)
        submission = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
        ensure_unit_may_change(submission, by)
        lines_retire(submission, by, "整月替换（接口）")
        if rows:
            lines_bulk_add(submission=submission, lines=list(rows.values()), by=by)
        submission.is_zero_report = is_zero_report
        if summary is not None:
            submission.summary = summary.strip()
        sign_off_clear(submission)
        attribute_change(submission, by, f"整月替换（接口）：{len(rows)}条明细")
        submission_fields_clean(submission)
        submission.save()
        submission_saved.send(sender=Submission, submission=submission, by=by)
    return MonthSaved(submission=submission, added=len(rows),
                      checks={row: found for row, found in checks.items() if found})
