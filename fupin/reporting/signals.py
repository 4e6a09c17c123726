"""Signals other apps listen to, so that `reporting` never imports them (quality checks every submission).

Sent by reporting.services:
- `submission_saved.send(sender=Submission, submission=s, by=user)` after a line was added or its wording changed
  (a form edit); quality fills in consumption types and channels the classifier is sure of. Imports and the seed
  classify as they read, so bulk stores do not send it; nor does a new report the month form sends up at once, its
  lines filled by the validator that judged them (`LineValidator(fill_defaults=True)`).
- `submission_submit_preparing.send(sender=Submission, unit=u)` before a submission's transaction, where it can:
  a receiver returns what it would otherwise read inside, while the writers queue (quality: the unit's amount
  history, the channels), and gets it back from `submission_submitting` as `prepared` (the responses, in order).
- `submission_submitting.send(sender=Submission, submission=s, by=user, prepared=[…])` inside `submission_submit`'s
  transaction, before the status becomes 已上报; a receiver refuses by raising UserError (quality: a 错误 finding,
  or a 警告 on a line without 上报说明). For a new report going up at once (`submission_create_submitted`) it is sent
  before the transaction, the report not stored yet (pk None), with `lines`: its PurchaseLines as they will be
  stored (unsaved); otherwise `lines` is None and the report's stored lines are judged.
- `lines_bulk_added.send(sender=Submission, submission=s, by=user, start=position, count=n)` once per bulk insert
  (`lines_bulk_add`: imports, the seed, a whole report replaced), inside its transaction, after the lines and their
  audit rows are in: the new lines are the submission's lines at positions start … start+n-1. Bulk inserts save no
  model instances, so no post_save is sent for these lines; a listener that follows the lines (the rollup) takes
  them from here. `fresh_lines`: for a report created in the same transaction, the LineInputs just stored (its
  only lines, none of them excluded), so that a listener can sum them without reading them back; else None.
- `lines_bulk_removing.send(sender=Submission, submission=s, by=user)` once before a report's lines are all taken
  out in bulk (a replaced report), inside the transaction, while they are still there to be read.
- `submissions_created.send(sender=Submission, submissions=[s, …], by=user)` once after many new reports were
  inserted in bulk with their lines and audit rows (`submissions_create_new`: a folder of unit files), inside the
  transaction. No post_save is sent for these reports nor lines_bulk_added for their lines: a listener that
  follows either takes them from here.
"""

from django.dispatch import Signal

submission_saved = Signal()
submission_submit_preparing = Signal()
submission_submitting = Signal()
lines_bulk_added = Signal()
lines_bulk_removing = Signal()
submissions_created = Signal()
