"""Keep the rollup current in the writer's transaction. `reporting` never imports insights: we listen to Django's
model signals on its models (and to reporting's own signal for bulk writes) instead.

A line's old figures are read just before it is saved (one query), so the change is applied as old → new.
A submission's save re-sums that submission's lines once (its status decides whether they count; lines may
have been replaced in SQL just before). A unit's move is seen while the stored paths are still the old ones.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from fupin.insights import deferred, rollup, screened_sums
from fupin.reporting import signals as reporting_signals
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units.models import Unit

LINE_STATE = ("submission_id", *rollup.KEY, "excluded", "amount_fen")


def _state(line: PurchaseLine) -> tuple:
    return tuple(getattr(line, name) for name in LINE_STATE)


EXCLUDED = LINE_STATE.index("excluded")


def _screened_changed(old: tuple | None, new: tuple | None) -> None:
    """An excluded line before or after (its reason may have changed too): re-sum its submission's screening."""
    for submission_id in {state[0] for state in (old, new) if state is not None and state[EXCLUDED]}:
        screened_sums.screened_resync(submission_id, rollup.submission_place(submission_id))


@receiver(pre_save, sender=PurchaseLine, dispatch_uid="insights_line_saving")
def line_saving(sender, instance: PurchaseLine, raw=False, **kwargs):
    instance._rollup_old = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._rollup_old = PurchaseLine.objects.filter(pk=instance.pk).values_list(*LINE_STATE).first()


@receiver(post_save, sender=PurchaseLine, dispatch_uid="insights_line_saved")
def line_saved(sender, instance: PurchaseLine, raw=False, created=False, **kwargs):
    if not raw:
        old = None if created else getattr(instance, "_rollup_old", None)
        new = _state(instance)
        rollup.line_changed(old=old, new=new)
        _screened_changed(old, new)


@receiver(post_delete, sender=PurchaseLine, dispatch_uid="insights_line_deleted")
def line_deleted(sender, instance: PurchaseLine, **kwargs):
    old = _state(instance)
    rollup.line_changed(old=old, new=None)
    _screened_changed(old, None)


@receiver(pre_save, sender=Submission, dispatch_uid="insights_submission_saving")
def submission_saving(sender, instance: Submission, raw=False, **kwargs):
    instance._rollup_was = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._rollup_was = (Submission.objects.filter(pk=instance.pk)
                                .values_list("unit__path", "first_month", "last_month", "unit_id", "status").first())


@receiver(post_save, sender=Submission, dispatch_uid="insights_submission_saved")
def submission_saved(sender, instance: Submission, raw=False, created=False, **kwargs):
    if raw:
        return
    was = getattr(instance, "_rollup_was", None)
    _months_resync(instance, was)
    if created:  # a new submission has no lines yet: nothing to sum (its lines' insert will say)
        return
    moved = was is not None and (was[3], was[1], was[2]) != (instance.unit_id, instance.first_month,
                                                          instance.last_month)
    if moved:  # applied now: the batch re-sums in place, it does not know where the rows were
        rollup.submission_resync(instance.pk, moved_from=was[:3])
    else:
        deferred.submission_resync(instance.pk)


def _months_resync(instance: Submission, was: tuple | None) -> None:
    """The unit's reported months, when a one-month report's status, unit or month changed."""
    now = (instance.unit_id, instance.first_month, instance.last_month, instance.status)
    before = None if was is None else (was[3], was[1], was[2], was[4])
    if before == now or not any(state and state[3] in COUNTED_STATUSES for state in (now, before)):
        return
    if before is None and now[1] == now[2]:  # a new counted one-month report: its month is added to the row
        deferred.month_add(now[0], now[1])
        return
    for unit_id, year in {(state[0], state[1].year) for state in (now, before) if state and state[1] == state[2]}:
        deferred.months_resync(unit_id, year)


def lines_bulk_written(sender, submission, fresh_lines=None, **kwargs):
    """Lines inserted, changed or removed in bulk (no per-line signal): re-sum the submission once (a report just
    created: its figures summed from the lines given, which are all it has). Not a report that does not count (a
    draft being filled in): it has no figures until its status changes, and that save re-sums it. The callers hold
    the report locked, so its status here is the stored one."""
    if submission.status in COUNTED_STATUSES:
        if fresh_lines is None:
            deferred.submission_resync(submission.pk)
        else:
            deferred.fresh_submission_add(submission, fresh_lines)


def lines_bulk_removing(sender, submission, **kwargs):
    """All the report's lines are about to go in one DELETE: take their figures out first."""
    rollup.submission_clear(submission.pk)


def submissions_created(sender, submissions, **kwargs):
    """New reports inserted in bulk with their lines: what their saves and line inserts would have re-summed."""
    for submission in submissions:
        if submission.status in COUNTED_STATUSES:
            deferred.submission_resync(submission.pk)
            if submission.first_month == submission.last_month:
                deferred.months_resync(submission.unit_id, submission.first_month.year)


reporting_signals.lines_bulk_added.connect(lines_bulk_written, dispatch_uid="insights_lines_bulk_added")
reporting_signals.submissions_created.connect(submissions_created, dispatch_uid="insights_submissions_created")
reporting_signals.lines_bulk_removing.connect(lines_bulk_removing, dispatch_uid="insights_lines_bulk_removing")


@receiver(pre_save, sender=Unit, dispatch_uid="insights_unit_saving")
def unit_saving(sender, instance: Unit, raw=False, **kwargs):
    instance._rollup_was = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._rollup_was = Unit.objects.filter(pk=instance.pk).values_list("parent_id", "path").first()


@receiver(post_save, sender=Unit, dispatch_uid="insights_unit_saved")
def unit_saved(sender, instance: Unit, raw=False, **kwargs):
    """Unit.save re-paths the subtree after this signal: the stored paths are still the old ones here."""
    was = getattr(instance, "_rollup_was", None)
    if raw or was is None or was[0] == instance.parent_id or not was[1]:
        return
    parent_path = Unit.objects.filter(pk=instance.parent_id).values_list("path", flat=True).first() or "/"
    rollup.unit_moved(unit_id=instance.pk, old_path=was[1], new_parent_path=parent_path)
