"""When the office merges one unit into another (units.services.unit_merge), the source's reports become the
target's, in the merge's transaction.

A period only the source reported: its report (lines, files, versions) moves to the target as it is.
A period both reported: the source's lines and files join the target's report of that period, which records a
new version (when it counts: 已上报 or 已审核), so the sum is unchanged and each earlier version still reads as
it went up. The combined report stays 已审核 only if both were; otherwise it is 已上报, awaiting review. The
source keeps its emptied report of that period for its history.
A period where one report counts and the other is still a draft or returned: the merge is refused, naming those
periods, because combining them would either count unfinished lines or drop counted ones. The office settles
those reports first (submit, or return), then merges.
Reminders stay with the source: they record whom the office chased.
"""

from django.db.models import Max
from django.dispatch import receiver
from simple_history.utils import bulk_update_with_history

from fupin.core.errors import UserError
from fupin.reporting.models import (
    COUNTED_STATUSES,
    PurchaseLine,
    Status,
    Submission,
    SubmissionFile,
    period_name,
)
from fupin.reporting.services import version_record
from fupin.units.models import Unit
from fupin.units.signals import unit_merging

MERGE_STATUS_CLASH = ("“{source}”和“{target}”在以下期间的报表一份已上报、一份尚未上报，不能合并：{periods}。"
                      "请先让这些报表都上报（或都退回），再合并")
MERGE_MOVED = "{count}份报表转入“{target}”"
MERGE_COMBINED = "{periods}的明细并入“{target}”同期报表（生成新版本）"


def _counted(submission: Submission) -> bool:
    return submission.status in COUNTED_STATUSES


@receiver(unit_merging, sender=Unit, dispatch_uid="reporting_unit_merging")
def submissions_follow(sender, source: Unit, target: Unit, by, reason: str, **kwargs):
    theirs = {(s.first_month, s.last_month): s for s in Submission.objects.select_for_update().filter(unit=target)}
    moving = list(Submission.objects.select_for_update().filter(unit=source).order_by("first_month", "last_month"))
    pairs = [(s, theirs[(s.first_month, s.last_month)]) for s in moving if (s.first_month, s.last_month) in theirs]
    mismatched = [s for s, t in pairs if _counted(s) != _counted(t)]
    if mismatched:
        raise UserError(MERGE_STATUS_CLASH.format(source=source.display_name, target=target.display_name,
                                                  periods="、".join(period_name(s.period) for s in mismatched)))
    why = f"{source.display_name}并入{target.display_name}：{reason}"[:100]
    combined = {s.pk for s, _ in pairs}
    for submission in moving:  # one a period: a unit has a few dozen at most
        if submission.pk not in combined:
            submission.unit = target
            submission._history_user, submission._change_reason = by, why
            submission.save(update_fields=["unit"])
    for mine, into in pairs:
        _combine(mine, into, by=by, why=why)
    notes = []
    if len(moving) > len(pairs):
        notes.append(MERGE_MOVED.format(count=len(moving) - len(pairs), target=target.display_name))
    if pairs:
        notes.append(MERGE_COMBINED.format(periods="、".join(period_name(s.period) for s, _ in pairs),
                                           target=target.display_name))
    return "；".join(notes)


def _combine(mine: Submission, into: Submission, *, by, why: str) -> None:
    """`mine`'s lines and files join `into`, after its own lines; both changes go into the audit trail."""
    offset = into.lines.aggregate(m=Max("position"))["m"] or 0
    lines = list(mine.lines.order_by("position", "pk"))
    for line in lines:
        line.submission, line.position = into, line.position + offset
    bulk_update_with_history(lines, PurchaseLine, ["submission", "position"], batch_size=1000,
                             default_user=by, default_change_reason=why)
    files = list(mine.files.all())
    for attached in files:
        attached.submission = into
    bulk_update_with_history(files, SubmissionFile, ["submission"], default_user=by, default_change_reason=why)
    both_approved = into.status == Status.APPROVED and mine.status == Status.APPROVED
    if _counted(into) and not both_approved:
        into.status = Status.SUBMITTED
    into.is_zero_report = into.is_zero_report and mine.is_zero_report
    into.summary = "\n".join(text for text in (into.summary, mine.summary) if text)
    into._history_user, into._change_reason = by, why
    into.save()
    if _counted(into):
        version_record(into, by)
    mine._history_user, mine._change_reason = by, f"明细已并入{into.unit.display_name}同期报表"[:100]
    mine.save()
