"""Quality listens to reporting's signals (reporting never imports quality)."""

from django.dispatch import receiver

from fupin.core.errors import UserError
from fupin.reporting.signals import submission_saved, submission_submitting

SUBMIT_BLOCKED = "{unit}的报表有{errors}个错误、{warnings}个警告未写上报说明，暂不能上报"


@receiver(submission_saved, dispatch_uid="quality_fill_defaults")
def fill_defaults(sender, submission, by=None, **kwargs):
    from fupin.quality.services import submission_defaults_fill

    submission_defaults_fill(submission=submission, by=by)


@receiver(submission_submitting, dispatch_uid="quality_block_submission")
def block_submission(sender, submission, by=None, **kwargs):
    from fupin.quality.checks import submission_blocking_findings

    errors, unexplained = submission_blocking_findings(submission)
    if errors or unexplained:
        raise UserError(SUBMIT_BLOCKED.format(unit=submission.unit.display_name, errors=len(errors),
                                              warnings=len(unexplained)),
                        details=[f"{f.severity}：{f.message}" for f in errors + unexplained])
