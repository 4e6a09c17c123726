"""Writes to the ledger and the monthly workflow. Each runs in one transaction and leaves an audit row
(django-simple-history). The workflow's rules live here, so that every face (web, import, command) obeys them:

    草稿 ─(单位审核人签字, where the unit has one)─► 已上报 ─► 已审核 (locked) ─(解锁, with a reason)─► 已上报
      ▲                                              │
      └──────────── 已退回 (with a reason) ◄──────────┘
"""

import operator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fupin.core.bulk_rows import rows_insert
from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar, calendar_current
from fupin.reporting.deadlines import period_deadline, workdays_late
from fupin.reporting.four_eyes import entered_or_changed
from fupin.reporting.models import (
    COUNTED_STATUSES,
    PurchaseLine,
    Status,
    Submission,
    SubmissionVersion,
    period_name,
)
from fupin.reporting.signals import (
    lines_bulk_added,
    lines_bulk_removing,
    submission_saved,
    submission_submit_preparing,
    submission_submitting,
    submissions_created,
)
from fupin.reporting.validation import LineRefused, entry_checks, line_validate, value_checks
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.people import SYSTEM_USERNAME
from fupin.units.selectors import unit_has_approver

SUBMISSION_EXISTS = "{unit}已有{period}的报表；如需替换请使用替换选项"
SUBMISSION_LOCKED = "{unit}{period}的报表已审核，已锁定，不能修改；如确需修改，请市总管理员填写理由后解锁"
SUBMISSION_AWAITING_REVIEW = "{unit}{period}的报表已上报，正等待市总审核，不能修改；如需修改请联系市总退回"
SIGN_OFF_REQUIRED = "{unit}设有审核人，报表须经审核人签字确认后才能上报"
SIGN_OFF_NOT_NEEDED_NOW = "只有草稿或已退回的报表需要签字确认（当前状态：{status}）"
ALREADY_SUBMITTED = "报表已上报，无需重复上报（当前状态：{status}）"
NOTHING_TO_SUBMIT = "报表没有任何明细；如本期确无消费扶贫采购，请勾选“零报告（本期无消费扶贫采购）”后再上报"
ZERO_REPORT_HAS_LINES = "报表勾选了零报告，却有{count}条明细：请删除明细或取消零报告"
RETURN_NEEDS_SUBMITTED = "只有已上报的报表可以退回（当前状态：{status}）"
APPROVE_NEEDS_SUBMITTED = "只有已上报的报表可以审核通过（当前状态：{status}）"
UNLOCK_NEEDS_APPROVED = "只有已审核的报表需要解锁（当前状态：{status}）"
RETURN_REASON_REQUIRED = "退回报表须写明原因，让填报单位知道要改什么"
UNLOCK_REASON_REQUIRED = "解锁已审核的报表须写明理由（将记入审计记录）"
LINE_FIELDS_UNKNOWN = "不能修改字段：{fields}"
# Four eyes (四眼原则): who entered or changed a report does not also vouch for it.
FOUR_EYES_SIGN_OFF = ("您填报或修改过{unit}{period}的报表，不能再由您签字确认：请本单位另一位审核人签字"
                      "（本单位只有一人时，可请市总允许本单位同一人填报和审核）")
FOUR_EYES_APPROVE = ("您填报或修改过{unit}{period}的报表，不能再由您审核通过：请另一位市总管理员审核"
                     "（本单位只有一人时，可请市总允许本单位同一人填报和审核）")
FOUR_EYES_CREATE_APPROVED = "不能以已审核状态直接建立{unit}{period}的报表：报表须由填报人以外的人审核"

# Fields the unit reports. Once the office has accepted a report they are locked; channel_code is the office's
# own classification and stays editable (audited) during review.
LINE_EDITABLE = {"product", "source_text", "channel_code", "method_text", "method", "date_text", "purchase_date",
                 "quantity_g", "amount_fen", "consumption_type", "purpose", "note", "explanation"}
OFFICE_FIELDS = {"channel_code"}
# A change to these asks listeners (quality) to fill in what the words now tell; the fill itself changes only
# channel and consumption type, so it does not ask again.
WORDING_FIELDS = {"product", "source_text", "note"}
# The validator's field names → the line's fields: a change is checked on what it changes (the office confirming a
# channel on an old line is not refused for the line's other gaps).
CHECKED_BY_FIELD = {"amount": {"amount_fen"}, "quantity": {"quantity_g"}, "date": {"purchase_date"},
                    "source": {"source_text"}, "method": {"method", "method_text"}}
# While a report waits for the office, its unit may still answer the office's questions about a line (上报说明).
REPLY_FIELDS = {"explanation"}


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


@dataclass(frozen=True)
class Due:
    """A period's deadline and the calendar counting the working days after it: what a version records of
    lateness, found once for a batch of reports of the period (an import of many files), not once a report."""

    calendar: WorkCalendar
    day: date
    _late: dict = field(default_factory=dict, compare=False)  # submitted day → working days late

    def days_late(self, submitted_at: datetime) -> int:
        """Counting the working days of a back-filled year costs a walk over them: once a day submitted."""
        day = timezone.localdate(submitted_at)
        if day not in self._late:
            self._late[day] = workdays_late(self.day, submitted_at, self.calendar)
        return self._late[day]


def due_for(period: Period) -> Due:
    calendar = calendar_current()
    return Due(calendar, period_deadline(period, calendar).day)


def attribute_change(obj, by, reason: str = "") -> None:
    """Tell simple-history who made this change (outside a request, where its middleware cannot)."""
    if by is not None:
        obj._history_user = by
    if reason:
        obj._change_reason = reason


def _is_system(by) -> bool:
    return by is None or getattr(by, "username", None) == SYSTEM_USERNAME


def ensure_four_eyes(submission: Submission, by, message: str) -> None:
    """Refuse `by` vouching for a report they entered or changed, unless the unit has only one person."""
    if _is_system(by) or submission.unit.same_person_may_approve:
        return
    if entered_or_changed(submission, by):
        raise UserError(message.format(**_names(submission)))


def _names(submission: Submission) -> dict:
    return {"unit": submission.unit.display_name, "period": period_name(submission.period),
            "status": submission.get_status_display()}


def ensure_unit_may_change(submission: Submission, by, *, fields: set[str] | None = None) -> None:
    """Refuse changes to a locked report, and the unit's own changes to one waiting for the office."""
    if submission.status == Status.APPROVED:
        if fields is not None and fields <= OFFICE_FIELDS:
            return
        raise UserError(SUBMISSION_LOCKED.format(**_names(submission)))
    if submission.status == Status.SUBMITTED and not _is_system(by):
        if fields is not None and fields <= OFFICE_FIELDS | REPLY_FIELDS:
            return
        if access.can_edit(by, submission.unit) and not access.can_review(by, submission.unit):
            raise UserError(SUBMISSION_AWAITING_REVIEW.format(**_names(submission)))


def sign_off_clear(submission: Submission) -> None:
    """A changed report needs a fresh signature."""
    if submission.signed_off_at and submission.unit_may_edit:
        Submission.objects.filter(pk=submission.pk).update(signed_off_at=None, signed_off_by=None)
        submission.signed_off_at = submission.signed_off_by = None


def submission_lock_or_create(unit: Unit, period: Period, by, *, reason: str = "",
                              **fields) -> tuple[Submission, bool]:
    """The (unit, period) row, locked for this transaction; created when missing, safe against a parallel twin.
    A row created here starts with `fields` (checked), its audit row saying `reason`; an existing row is returned
    as it is, for the caller to change."""
    query = Submission.objects.select_for_update().filter(unit=unit, first_month=period.first,
                                                          last_month=period.last)
    existing = query.first()
    if existing:
        return existing, False
    submission = Submission(unit=unit, first_month=period.first, last_month=period.last, created_by=by, **fields)
    if fields:
        submission_fields_clean(submission)
    attribute_change(submission, by, reason)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # another request created it between our read and write
        return query.get(), False
    return submission, True


_SUBMISSION_KEYS = ["unit", "created_by", "submitted_by", "signed_off_by", "reviewed_by"]


def submission_fields_clean(submission: Submission) -> None:
    """Check a locked (or just created) report's fields before it is saved; not the row's keys and constraints,
    five queries a report (a folder of 2,000 unit files stores 2,000 reports; deadline day sends one request a
    report): the unit and the people are objects handed in (the database keeps the foreign keys), the row was
    locked or created under its one-per-period constraint, and a Period orders its months."""
    submission.full_clean(exclude=_SUBMISSION_KEYS, validate_constraints=False)


def submission_create(*, unit: Unit, period: Period, lines: list[LineInput], by, status: str = Status.DRAFT,
                      submitted_at: datetime | None = None, replace: bool = False,
                      summary: str | None = None, is_zero_report: bool | None = None,
                      due: Due | None = None) -> Submission:
    """Store a unit's report for a period with its lines. With `replace`, the old lines go (kept in history).
    `due`: the period's deadline, when the caller stores many reports of it.

    A report the office has accepted (已审核) cannot be replaced: it must be unlocked first.
    """
    fields = _new_report_fields(unit, period, lines, by=by, status=status, submitted_at=submitted_at,
                                summary=summary, is_zero_report=is_zero_report)
    counted = status in COUNTED_STATUSES
    with transaction.atomic():
        # A new report is created holding its fields (one save, one audit row); an existing one is changed.
        submission, created = submission_lock_or_create(unit, period, by, **fields)
        if not created:
            if not replace:
                raise UserError(SUBMISSION_EXISTS.format(unit=unit.display_name, period=period))
            ensure_unit_may_change(submission, None)  # an import replacing a submitted report is a resubmission
            lines_retire(submission, by, "整表替换（重新导入或重新上报）")
            first_at = submission.first_submitted_at
            for name, value in fields.items():
                setattr(submission, name, value)
            submission.first_submitted_at = first_at or fields.get("first_submitted_at")
            submission.signed_off_at = submission.signed_off_by = None
            attribute_change(submission, by)
            submission_fields_clean(submission)
            submission.save()
        lines_bulk_add(submission=submission, lines=lines, by=by)
        if counted:  # the report holds exactly `lines` now: its version's totals are theirs
            version_record(submission, by, due=due, amounts=[line.amount_fen for line in lines], first=created)
    return submission


def _new_report_fields(unit: Unit, period: Period, lines: list[LineInput], *, by, status: str,
                       submitted_at: datetime | None = None, summary: str | None = None,
                       is_zero_report: bool | None = None) -> dict:
    """A new report's fields, as `submission_create` gives them (refusing a report created already approved)."""
    if status == Status.APPROVED and not _is_system(by) and not unit.same_person_may_approve:
        raise UserError(FOUR_EYES_CREATE_APPROVED.format(unit=unit.display_name, period=period_name(period)))
    fields = {"status": status, "is_zero_report": (not lines and status != Status.DRAFT) if is_zero_report is None
              else is_zero_report}
    if summary is not None:
        fields["summary"] = summary
    if status in COUNTED_STATUSES:
        at = submitted_at or timezone.now()
        fields |= {"submitted_at": at, "submitted_by": by, "first_submitted_at": at}
    return fields


def submissions_create_new(*, reports: list[tuple[Unit, list[LineInput]]], period: Period, by,
                           status: str = Status.DRAFT, due: Due | None = None) -> list[Submission]:
    """Many units' new reports for one period, each with its lines (a folder of unit files): what
    `submission_create` stores for each — the report with its fields and its audit row, its lines with theirs, a
    version when it counts — written set-based, a statement for all of them rather than a dozen for each.

    Only for reports that do not exist yet: when one does after all (a parallel writer), the unique constraint
    raises IntegrityError, as a line the ledger's value rules refuse raises LineRefused, before anything of the
    others is kept; the caller, in a savepoint, then stores them one by one. Listeners hear of the reports through
    `submissions_created` (no model signal is sent for a bulk insert)."""
    made = []
    for unit, lines in reports:
        for data in lines:
            if refused := value_checks(data, period=period):
                raise LineRefused(refused)
        submission = Submission(unit=unit, first_month=period.first, last_month=period.last, created_by=by,
                                **_new_report_fields(unit, period, lines, by=by, status=status))
        submission_fields_clean(submission)
        made.append(submission)
    if not made:
        return []
    made = bulk_create_with_history(made, Submission, default_user=by)  # no user: simple-history's default
    columns, values_of = _line_columns(year=period.first.year)
    rows = [values_of(submission.pk, position, data)
            for submission, (_unit, lines) in zip(made, reports, strict=True)
            for position, data in enumerate(lines, start=1)]
    ids = [submission.pk for submission in made]
    with connection.cursor() as cursor:
        rows_insert(PurchaseLine, columns, rows)
        _history_copy(cursor, ids, after_pk=0, history_type="+", by=by, reason=None)
    if status in COUNTED_STATUSES:
        due = due or due_for(period)
        SubmissionVersion.objects.bulk_create([
            SubmissionVersion(submission=submission, number=1, submitted_at=submission.submitted_at, submitted_by=by,
                              is_zero_report=submission.is_zero_report, summary=submission.summary,
                              total_fen=sum(line.amount_fen for line in lines), line_count=len(lines),
                              days_late=due.days_late(submission.submitted_at), recorded_at=timezone.now())
            for submission, (_unit, lines) in zip(made, reports, strict=True)])
    submissions_created.send(sender=Submission, submissions=made, by=by)
    return made


def lines_retire(submission: Submission, by, reason: str) -> None:
    """Take out all the report's lines, each leaving the audit row a delete leaves ("-", who, when, what it held).
    Set-based: the audit rows are copied from the lines in one INSERT … SELECT, then the lines go in one DELETE
    (one by one, replacing a re-imported file of 100,000 lines took minutes). Nothing points at a line, and
    saving the submission afterwards tells the rollup."""
    lines_bulk_removing.send(sender=Submission, submission=submission, by=by)
    with connection.cursor() as cursor:
        _history_copy(cursor, [submission.pk], after_pk=0, history_type="-", by=by, reason=reason)
        cursor.execute(f"DELETE FROM {_quoted(PurchaseLine._meta.db_table)} WHERE submission_id = %s",
                       [submission.pk])


def lines_bulk_add(*, submission: Submission, lines: list[LineInput], by, start: int = 1, fresh: bool = False,
                   announce: bool = True) -> None:
    """Insert many lines with their audit rows, set-based (an import may bring 100,000): the rows go in through one
    executemany (COPY on PostgreSQL), the audit rows ("+", who, when, all fields, as simple-history writes them)
    are copied from the inserted lines in one INSERT … SELECT. The ledger's value rules (ceilings, the period) are
    applied to every line here; the rest of a line was judged by the validator that let it in (form, import).
    `fresh`: the report was created in this transaction and has no lines yet. `announce=False`: the caller sends
    `lines_bulk_added` itself, later in the transaction (`_lines_announce`)."""
    period = submission.period
    columns, values_of = _line_columns(year=submission.first_month.year)  # the lines' partition key
    rows = []
    for position, data in enumerate(lines, start=start):
        refused = value_checks(data, period=period)  # the ceiling and the period hold for bulk stores too
        if refused:
            raise LineRefused(refused)
        rows.append(values_of(submission.pk, position, data))
    if not rows:
        return
    table = _quoted(PurchaseLine._meta.db_table)
    with connection.cursor() as cursor:
        after_pk = 0
        if not fresh:
            cursor.execute(f"SELECT MAX({_quoted(PurchaseLine._meta.pk.column)}) FROM {table} "
                           "WHERE submission_id = %s", [submission.pk])
            after_pk = cursor.fetchone()[0] or 0
        rows_insert(PurchaseLine, columns, rows)
        _history_copy(cursor, [submission.pk], after_pk=after_pk, history_type="+", by=by, reason=None)
    if announce:
        _lines_announce(submission, lines, by, start=start, fresh=fresh)


def _lines_announce(submission: Submission, lines: list[LineInput], by, *, start: int = 1, fresh: bool = False) -> None:
    lines_bulk_added.send(sender=Submission, submission=submission, by=by, start=start, count=len(lines),
                          fresh_lines=lines if fresh else None)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


# The line's fields a LineInput carries; the other columns (excluded, exclusion_reason) take their defaults.
_INPUT_FIELDS = [name for name in LineInput.__dataclass_fields__ if name != "extra"]


def _line_columns(*, year: int):
    """The line table's fields (attnames, for rows_insert) and a function making one row's values from a LineInput:
    the service's own values, the input's fields, then the defaults of the rest, dates adapted for the database
    (SQLite keeps ISO text)."""
    fields = {f.attname: f for f in PurchaseLine._meta.concrete_fields if not f.primary_key}
    rest = [f for name, f in fields.items() if name not in {"submission_id", "period_year", "position", *_INPUT_FIELDS}]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
    ordered = [fields["submission_id"], fields["period_year"], fields["position"],
               *(fields[name] for name in _INPUT_FIELDS), *rest]
    dates = [i for i, f in enumerate(ordered) if f.get_internal_type() == "DateField"]
    adapt_date = connection.ops.adapt_datefield_value
    get = operator.itemgetter(*_INPUT_FIELDS)

    def values_of(submission_pk: int, position: int, data: LineInput) -> list:
        row = [submission_pk, year, position, *get(data.__dict__), *defaults]
        for i in dates:
            if row[i] is not None:
                row[i] = adapt_date(row[i])
        return row

    return [f.attname for f in ordered], values_of


HISTORY_STEP = 500  # submissions whose lines' audit rows one statement copies


def _history_copy(cursor, submission_ids: list[int], *, after_pk: int, history_type: str, by,
                  reason: str | None) -> None:
    """The audit rows simple-history writes for these submissions' lines (all tracked fields, when, who, why, + or
    -), copied from the line table in one statement (a step of HISTORY_STEP submissions), in the lines' order."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = PurchaseLine.history.model
    if by is None:  # as simple-history decides it: the request's user, if any
        by = history.get_default_history_user(object())
    tracked = [(history._meta.get_field(f.name).column, f.column) for f in history.tracked_fields]
    meta = history._meta
    extra = [meta.get_field(name).column for name in ("history_date", "history_change_reason", "history_type",
                                                      "history_user")]
    into = ", ".join(_quoted(c) for c, _ in tracked) + ", " + ", ".join(_quoted(c) for c in extra)
    select = ", ".join(_quoted(c) for _, c in tracked)
    pk = _quoted(PurchaseLine._meta.pk.column)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    for start in range(0, len(submission_ids), HISTORY_STEP):
        ids = submission_ids[start:start + HISTORY_STEP]
        cursor.execute(
            f"INSERT INTO {_quoted(meta.db_table)} ({into}) SELECT {select}, %s, %s, %s, %s "
            f"FROM {_quoted(PurchaseLine._meta.db_table)} WHERE submission_id IN ({', '.join(['%s'] * len(ids))}) "
            f"AND {pk} > %s ORDER BY {pk}",
            [at, reason, history_type, getattr(by, "pk", None), *ids, after_pk])



def submission_start(*, unit: Unit, period: Period, by) -> Submission:
    """The unit's report for the period, begun as an empty draft when there is none yet."""
    with transaction.atomic():
        submission, _ = submission_lock_or_create(unit, period, by)
    return submission


def submission_update(*, submission: Submission, by, summary: str | None = None,
                      is_zero_report: bool | None = None) -> Submission:
    """The unit's work summary (工作信息) and the zero-report mark."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
        ensure_unit_may_change(submission, by)
        if summary is not None:
            submission.summary = summary.strip()
        if is_zero_report is not None:
            submission.is_zero_report = is_zero_report
        sign_off_clear(submission)
        attribute_change(submission, by)
        submission.full_clean()
        submission.save()
    return submission


def _line_values(data: LineInput) -> dict:
    """A LineInput's fields as PurchaseLine takes them."""
    return {k: v for k, v in data.__dict__.items() if k != "extra"}


def line_add(*, submission: Submission, data: LineInput, by, position: int | None = None) -> PurchaseLine:
    values = _line_values(data)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
        ensure_unit_may_change(submission, by)
        checks = line_validate(data, period=submission.period)  # the one validator: refuses a line with a 错误
        if position is None:
            position = (submission.lines.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        line = PurchaseLine(submission=submission, position=position, **values)
        attribute_change(line, by)
        line.full_clean(exclude=["submission"])
        line.save()
        sign_off_clear(submission)
        submission_saved.send(sender=Submission, submission=submission, by=by)
    line.checks = checks  # what the validator said beside the refusals: 警告 and 提示 the caller shows
    return line


def line_update(*, line: PurchaseLine, by, reason: str = "", **changes) -> PurchaseLine:
    """Change fields of a line; the audit trail keeps who, when, before and after (and why)."""
    unknown = set(changes) - LINE_EDITABLE
    if unknown:
        raise UserError(LINE_FIELDS_UNKNOWN.format(fields="、".join(sorted(unknown))))
    with transaction.atomic():
        line = PurchaseLine.objects.select_for_update().select_related("submission__unit").get(pk=line.pk)
        ensure_unit_may_change(line.submission, by, fields=set(changes))
        for name, value in changes.items():
            setattr(line, name, value)
        refused = [c for c in entry_checks(line, period=line.submission.period)
                   if CHECKED_BY_FIELD[c.field] & set(changes)]
        if refused:
            raise LineRefused(refused)
        attribute_change(line, by, reason)
        line.full_clean()
        line.save()
        if set(changes) - OFFICE_FIELDS:
            sign_off_clear(line.submission)
        if set(changes) & WORDING_FIELDS:
            submission_saved.send(sender=Submission, submission=line.submission, by=by)
    return line


def line_remove(*, line: PurchaseLine, by, reason: str = "") -> None:
    """Take a line out of a draft or returned report; the audit trail keeps it."""
    with transaction.atomic():
        line = PurchaseLine.objects.select_for_update().select_related("submission__unit").get(pk=line.pk)
        ensure_unit_may_change(line.submission, by)
        attribute_change(line, by, reason)
        line.delete()
        sign_off_clear(line.submission)


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("unit").get(pk=submission.pk)


def submission_sign_off(*, submission: Submission, by) -> Submission:
    """The unit's 审核人 confirms the report is right before the reporter sends it up."""
    with transaction.atomic():
        submission = _locked(submission)
        if not submission.unit_may_edit:
            raise UserError(SIGN_OFF_NOT_NEEDED_NOW.format(**_names(submission)))
        ensure_four_eyes(submission, by, FOUR_EYES_SIGN_OFF)
        submission.signed_off_at, submission.signed_off_by = timezone.now(), by
        attribute_change(submission, by, "单位审核人签字确认")
        submission.save()
    return submission


def submission_submit(*, submission: Submission, by) -> Submission:
    """草稿/已退回 → 已上报. Late reports are accepted; the version records how many working days late."""
    prepared = _submit_prepared(submission.unit)
    with transaction.atomic():
        return submission_submit_locked(_locked(submission), by, prepared=prepared)


def _submit_prepared(unit: Unit) -> list:
    """What the checks read before the transaction (signals.submission_submit_preparing)."""
    return [response for _, response in submission_submit_preparing.send(sender=Submission, unit=unit)]


def submission_submit_locked(submission: Submission, by, *, prepared: list | tuple = ()) -> Submission:
    """`submission_submit` for a report whose row the caller has locked in its transaction (the month form saves
    the lines and submits in one). In a savepoint of its own: a refusal leaves the caller's transaction as it was.
    `prepared`: what `_submit_prepared` read before the transaction, when the caller could."""
    with transaction.atomic():
        if not submission.unit_may_edit:
            if submission.status == Status.APPROVED:
                raise UserError(SUBMISSION_LOCKED.format(**_names(submission)))
            raise UserError(ALREADY_SUBMITTED.format(**_names(submission)))
        count = submission.lines.count()
        if count == 0 and not submission.is_zero_report:
            raise UserError(NOTHING_TO_SUBMIT)
        if count and submission.is_zero_report:
            raise UserError(ZERO_REPORT_HAS_LINES.format(count=count))
        if unit_has_approver(submission.unit) and not submission.signed_off_at:
            raise UserError(SIGN_OFF_REQUIRED.format(**_names(submission)))
        submission_submitting.send(sender=Submission, submission=submission, by=by, prepared=prepared)
        now = timezone.now()
        submission.status, submission.submitted_at, submission.submitted_by = Status.SUBMITTED, now, by
        submission.first_submitted_at = submission.first_submitted_at or now
        submission.return_reason = ""
        attribute_change(submission, by, "上报")
        submission.save()
        version_record(submission, by)
    return submission


def submission_create_submitted(*, unit: Unit, period: Period, lines: list[LineInput], by, reason: str,
                                **fields) -> Submission | None:
    """A report the unit does not have yet, created 已上报 with its lines: one audited insert, where a draft saved and
    then submitted is two, each re-summed (deadline day's month form). Its `lines` were judged by a validator that
    filled their defaults (`LineValidator(fill_defaults=True)`, as the month form's): like an import's, they are
    stored without `submission_saved`, which would look for defaults to fill.

    Everything but the writes is done before the transaction, for which writers queue: the report is built and
    checked, and the checks `submission_submit_locked` runs are run on its lines as they will be stored (a report
    not stored yet has nothing else: no other lines, no subtotal of its own). Should they refuse, or the report
    exist after all, nothing is stored and None is returned, for the caller to store a draft the usual way, which
    says why."""
    if unit_has_approver(unit):  # its 审核人 signs a report off before it goes up: never a new one
        return None
    existing = Submission.objects.filter(unit=unit, first_month=period.first, last_month=period.last)
    if existing.exists():
        return None
    due, prepared, now = due_for(period), _submit_prepared(unit), timezone.now()
    due.days_late(now)  # counted out here, kept for version_record: a back-filled year takes a walk over its days
    submission = Submission(unit=unit, first_month=period.first, last_month=period.last, created_by=by,
                            status=Status.SUBMITTED, submitted_at=now, submitted_by=by, first_submitted_at=now,
                            **fields)
    try:
        submission_fields_clean(submission)
        staged = [PurchaseLine(submission=submission, position=position, **_line_values(line))
                  for position, line in enumerate(lines, start=1)]
        submission_submitting.send(sender=Submission, submission=submission, by=by, prepared=prepared, lines=staged)
    except UserError:
        return None
    attribute_change(submission, by, reason)
    try:
        with transaction.atomic():
            submission.save()
            if lines:
                lines_bulk_add(submission=submission, lines=lines, by=by, fresh=True, announce=False)
            version_record(submission, by, due=due, amounts=[line.amount_fen for line in lines], first=True)
            if lines:  # the rollup's upsert last: on PostgreSQL the rows every report adds to (the root's) stay
                _lines_announce(submission, lines, by, fresh=True)  # locked from it to the commit, others waiting
    except IntegrityError:
        if existing.exists():
            return None  # another request created it since our read: stored the usual way, beside it
        raise
    return submission


def submission_return(*, submission: Submission, by, reason: str) -> Submission:
    """已上报 → 已退回, with the reason the unit will read."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(RETURN_REASON_REQUIRED)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status != Status.SUBMITTED:
            raise UserError(RETURN_NEEDS_SUBMITTED.format(**_names(submission)))
        submission.status, submission.return_reason = Status.RETURNED, reason
        submission.signed_off_at = submission.signed_off_by = None
        submission.reviewed_at, submission.reviewed_by = timezone.now(), by
        attribute_change(submission, by, f"退回：{reason}")
        submission.save()
    return submission


def submission_approve(*, submission: Submission, by) -> Submission:
    """已上报 → 已审核: accepted by the office, and locked."""
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status != Status.SUBMITTED:
            raise UserError(APPROVE_NEEDS_SUBMITTED.format(**_names(submission)))
        ensure_four_eyes(submission, by, FOUR_EYES_APPROVE)
        submission.status = Status.APPROVED
        submission.reviewed_at, submission.reviewed_by = timezone.now(), by
        attribute_change(submission, by, "审核通过")
        submission.save()
    return submission


def submission_unlock(*, submission: Submission, by, reason: str) -> Submission:
    """已审核 → 已上报: the office may then correct it or return it to the unit. The reason is audited."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(UNLOCK_REASON_REQUIRED)
    with transaction.atomic():
        submission = _locked(submission)
        if submission.status != Status.APPROVED:
            raise UserError(UNLOCK_NEEDS_APPROVED.format(**_names(submission)))
        submission.status = Status.SUBMITTED
        attribute_change(submission, by, f"解锁：{reason}")
        submission.save()
    return submission


def version_record(submission: Submission, by, *, due: Due | None = None, amounts: list[int] | None = None,
                   first: bool = False) -> SubmissionVersion:
    """Freeze what went up. The lines themselves stay readable through the audit trail (see version_lines).
    A caller that has them passes the period's `due`, the lines' `amounts`, and `first` for a report it has just
    created (no version yet): the queries for them are saved."""
    if amounts is None:
        amounts = list(submission.lines.values_list("amount_fen", flat=True))
    due = due or due_for(submission.period)
    number = 1 if first else (submission.versions.order_by("-number").values_list("number", flat=True).first()
                              or 0) + 1
    return SubmissionVersion.objects.create(
        submission=submission, number=number, submitted_at=submission.submitted_at, submitted_by=by,
        is_zero_report=submission.is_zero_report, summary=submission.summary, total_fen=sum(amounts),
        line_count=len(amounts), days_late=due.days_late(submission.submitted_at),
        recorded_at=timezone.now())
