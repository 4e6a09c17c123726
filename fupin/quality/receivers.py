"""Quality listens to reporting's signals (reporting never imports quality)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from fupin.core.errors import UserError
from fupin.reporting.models import PurchaseLine, Submission
from fupin.reporting.signals import (
    lines_bulk_added,
    lines_bulk_removing,
    submission_saved,
    submission_submit_preparing,
    submission_submitting,
    submissions_created,
)
from fupin.units.models import Unit
from fupin.units.signals import unit_merging

SUBMIT_BLOCKED = "{unit}的报表有{errors}个错误、{warnings}个警告未写上报说明，暂不能上报"


@receiver(submission_saved, dispatch_uid="quality_fill_defaults")
def fill_defaults(sender, submission, by=None, **kwargs):
    from fupin.quality.services import submission_defaults_fill

    submission_defaults_fill(submission=submission, by=by)


@receiver(submission_submit_preparing, dispatch_uid="quality_prepare_checks")
def prepare_checks(sender, unit, **kwargs):
    """The checks' ground, read before the submission's transaction: the unit's counted amounts (the report going up
    is not among them, as it is not counted yet) and the office's lists."""
    from fupin.quality.checks import Checker

    checker = Checker()
    checker.history_load([unit.pk])
    return checker


@receiver(submission_submitting, dispatch_uid="quality_block_submission")
def block_submission(sender, submission, by=None, prepared=(), lines=None, **kwargs):
    from fupin.quality.checks import Checker, submission_blocking_findings

    checker = next((p for p in prepared if isinstance(p, Checker)), None)
    errors, unexplained = submission_blocking_findings(submission, checker=checker, lines=lines)
    if errors or unexplained:
        raise UserError(SUBMIT_BLOCKED.format(unit=submission.unit.display_name, errors=len(errors),
                                              warnings=len(unexplained)),
                        details=[f"{f.severity}：{f.message}" for f in errors + unexplained])


# The review queue's stored items follow every change of a report: its status, a line saved or removed one by one
# (forms, the office's confirm/exclude/merge, 上报说明), lines added or removed in bulk (imports, replacements).

@receiver(post_save, sender=Submission, dispatch_uid="quality_items_submission_saved")
def submission_changed(sender, instance: Submission, raw=False, **kwargs):
    if not raw:
        from fupin.quality.stored import stale_mark

        stale_mark([instance.pk])


@receiver(post_save, sender=PurchaseLine, dispatch_uid="quality_items_line_saved")
@receiver(post_delete, sender=PurchaseLine, dispatch_uid="quality_items_line_deleted")
def line_changed(sender, instance: PurchaseLine, raw=False, **kwargs):
    if not raw:
        from fupin.quality.stored import stale_mark

        stale_mark([instance.submission_id])


@receiver(lines_bulk_added, dispatch_uid="quality_items_lines_added")
@receiver(lines_bulk_removing, dispatch_uid="quality_items_lines_removing")
def lines_bulk_changed(sender, submission, fresh_lines=None, **kwargs):
    if fresh_lines is not None:  # a report created in this transaction: its save marked it (submission_changed)
        return
    from fupin.quality.stored import stale_mark

    stale_mark([submission.pk])


@receiver(submissions_created, dispatch_uid="quality_items_submissions_created")
def submissions_created_in_bulk(sender, submissions, **kwargs):
    from fupin.quality.stored import stale_mark

    stale_mark([submission.pk for submission in submissions])


@receiver(unit_merging, sender=Unit, dispatch_uid="quality_items_unit_merging")
def unit_merged(sender, source: Unit, target: Unit, **kwargs):
    """The source's reports become the target's: both units' items are computed again once the merge commits."""
    from fupin.quality.stored import stale_mark

    stale_mark(Submission.objects.filter(unit__in=[source, target]).values_list("pk", flat=True))


@receiver(post_save, sender=Unit, dispatch_uid="quality_items_unit_moved")
def unit_moved(sender, instance: Unit, raw=False, **kwargs):
    """A moved unit's subtree gets new paths right after this signal (Unit.save): the items' paths follow, so the
    unit filter's range still holds exactly the subtree."""
    new_path = f"{instance.parent.path if instance.parent_id else '/'}{instance.pk}/"
    if raw or not instance.path or new_path == instance.path:
        return
    from fupin.quality.stored import paths_move

    paths_move(instance.path, new_path)
