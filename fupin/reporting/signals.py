"""Signals other apps listen to, so that `reporting` never imports them (quality checks every submission).

Send them from the services that store or submit a unit's report, however it arrived (form, import, seed):
- `submission_saved.send(sender=Submission, submission=s, by=user)` after its lines were stored or changed;
  quality fills in consumption types and channels the classifier is sure of.
- `submission_submitting.send(sender=Submission, submission=s, by=user)` inside the submit service's transaction,
  before the status becomes 已上报; a receiver refuses by raising UserError (quality: a 错误 finding, or a 警告
  on a line without 上报说明).
"""

from django.dispatch import Signal

submission_saved = Signal()
submission_submitting = Signal()
