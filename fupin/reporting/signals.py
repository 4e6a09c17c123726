"""Signals other apps listen to, so that `reporting` never imports them (quality checks every submission).

Sent by reporting.services:
- `submission_saved.send(sender=Submission, submission=s, by=user)` after a line was added or its wording changed
  (a form edit); quality fills in consumption types and channels the classifier is sure of. Imports and the seed
  classify as they read, so bulk stores do not send it.
- `submission_submitting.send(sender=Submission, submission=s, by=user)` inside `submission_submit`'s transaction,
  before the status becomes 已上报; a receiver refuses by raising UserError (quality: a 错误 finding, or a 警告
  on a line without 上报说明).
"""

from django.dispatch import Signal

submission_saved = Signal()
submission_submitting = Signal()
