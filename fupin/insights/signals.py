"""Mark the rollup dirty whenever the ledger changes. `reporting` never imports insights: we listen to Django's
model signals on its models instead."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from fupin.insights.rollup import rollup_mark
from fupin.reporting.models import PurchaseLine, Submission


@receiver(post_save, sender=Submission, dispatch_uid="insights_submission_saved")
@receiver(post_delete, sender=Submission, dispatch_uid="insights_submission_deleted")
def submission_changed(sender, instance: Submission, raw=False, **kwargs):
    if not raw:
        rollup_mark(instance.unit_id, instance.first_month, instance.last_month)


@receiver(post_save, sender=PurchaseLine, dispatch_uid="insights_line_saved")
@receiver(post_delete, sender=PurchaseLine, dispatch_uid="insights_line_deleted")
def line_changed(sender, instance: PurchaseLine, raw=False, **kwargs):
    if not raw:
        submission = instance.submission  # cached by every service that changes a line
        rollup_mark(submission.unit_id, submission.first_month, submission.last_month)
