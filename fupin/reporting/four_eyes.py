"""Four eyes: has this person entered or changed this report? Read from the audit trail, not kept twice.

Each approval vouches for what changed since the one before; so the question covers the changes since the
report was last approved (its whole life when it never was). A change counts when it touches the unit's figures
or words: a line added, removed or replaced, a reported field of a line, the work summary or the zero-report mark,
an attached file. The office's own review steps (a channel, an exclusion with its reason) and the unit's
answers to the office's questions (上报说明) do not.
"""

from django.db.models import Max

from fupin.reporting.models import PurchaseLine, Status, Submission, SubmissionFile

LINE_CONTENT_FIELDS = ("product", "source_text", "method_text", "method", "date_text", "purchase_date",
                       "quantity_g", "amount_fen", "consumption_type", "purpose", "note")
SUBMISSION_CONTENT_FIELDS = ("summary", "is_zero_report")


def _since(submission: Submission):
    return submission.history.filter(status=Status.APPROVED).aggregate(at=Max("history_date"))["at"]


def _after(rows, since):
    return rows.filter(history_date__gt=since) if since is not None else rows


def _changed(rows, fields, key: str, mine: set) -> bool:
    """Walk history rows in order (grouped by `key`); is one of `mine` different from the row before it?"""
    before: dict = {}
    for row in rows:
        previous = before.get(row[key])
        if row["history_id"] in mine:
            if previous is None and row["history_type"] == "+" and any(row[f] for f in fields):
                return True
            if previous is not None and any(row[f] != previous[f] for f in fields):
                return True
        before[row[key]] = row
    return False


def entered_or_changed(submission: Submission, user) -> bool:
    if user is None or not user.pk:
        return False
    since = _since(submission)
    lines = _after(PurchaseLine.history.filter(submission_id=submission.pk, history_user=user), since)
    if lines.filter(history_type__in=("+", "-")).exists():
        return True
    edited = dict(lines.filter(history_type="~").values_list("history_id", "id"))
    if edited:
        rows = (PurchaseLine.history.filter(id__in=set(edited.values()))
                .order_by("id", "history_date", "history_id")
                .values("id", "history_id", "history_type", *LINE_CONTENT_FIELDS))
        if _changed(rows.iterator(), LINE_CONTENT_FIELDS, "id", set(edited)):
            return True
    if _after(SubmissionFile.history.filter(submission_id=submission.pk, history_user=user), since).exists():
        return True
    mine = set(_after(submission.history.filter(history_user=user), since).values_list("history_id", flat=True))
    if mine:
        rows = (submission.history.order_by("history_date", "history_id")
                .values("id", "history_id", "history_type", *SUBMISSION_CONTENT_FIELDS))
        return _changed(rows, SUBMISSION_CONTENT_FIELDS, "id", mine)
    return False
