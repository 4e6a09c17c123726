"""Keeping `SubmissionScreened` current: one submission's excluded lines re-summed in the writer's transaction.

A submission's excluded lines are few (the office screens a handful), so each change that may touch them (a line
excluded, restored, merged, edited while excluded; the submission's status or span; its lines replaced) re-sums
that one submission's excluded lines: one grouped query and one upsert (or a delete when nothing is left).
"""

from django.db import connection
from django.db.models import Count, Q, Sum

from fupin.core.periods import Period
from fupin.insights.models import SubmissionScreened
from fupin.insights.screened import is_merged
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission

FIELDS = ("excluded_fen", "excluded_lines", "merged_fen", "merged_lines", "merged_groups")


def _figures(rows) -> dict[int, list[int]]:
    """(submission id, reason, amount, lines, …) rows → submission id → the five figures."""
    out: dict[int, list[int]] = {}
    for submission_id, reason, amount, lines, *_ in rows:
        acc = out.setdefault(submission_id, [0, 0, 0, 0, 0])
        if is_merged(reason):  # one reason per kept line: a group
            acc[2] += amount or 0
            acc[3] += lines
            acc[4] += 1
        else:
            acc[0] += amount or 0
            acc[1] += lines
    return out


def _excluded_by_reason(lines, *more):
    return (lines.filter(excluded=True).values_list("submission_id", "exclusion_reason", *more)
            .annotate(a=Sum("amount_fen"), n=Count("pk")).order_by())


def screened_resync(submission_id: int, place: tuple | None = None) -> None:
    """Make the submission's row what its excluded lines and status say now. `place` = (counted, unit path,
    first, last) as rollup.submission_place gives it, when the caller has it already."""
    if place is None:
        place = (Submission.objects.filter(pk=submission_id)
                 .values_list("status", "unit__path", "first_month", "last_month").first())
        place = place and (place[0] in COUNTED_STATUSES, *place[1:])
    rows = _excluded_by_reason(PurchaseLine.objects.filter(submission_id=submission_id)) if place and place[0] else []
    screened_store(submission_id, place, rows)


def screened_store(submission_id: int, place: tuple | None, rows, *, existed: bool = True) -> None:
    """Store the row from the submission's excluded lines, (submission id, reason, amount, lines) grouped; none
    (or a submission that does not count) deletes it."""
    row = _figures(rows).get(submission_id) if place and place[0] else None
    if not row:
        if existed:
            SubmissionScreened.objects.filter(submission_id=submission_id).delete()
        return
    table = connection.ops.quote_name(SubmissionScreened._meta.db_table)
    columns = ("first_month", "last_month", *FIELDS)
    update = ", ".join(f"{c} = excluded.{c}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (submission_id, {', '.join(columns)}) "
                       f"VALUES (%s, {', '.join(['%s'] * len(columns))}) "
                       f"ON CONFLICT (submission_id) DO UPDATE SET {update}", [submission_id, place[2], place[3], *row])


def screened_clear(submission_id: int) -> None:
    SubmissionScreened.objects.filter(submission_id=submission_id).delete()


def _counted_within(period: Period | None, prefix: str) -> Q:
    q = Q(**{f"{prefix}status__in": COUNTED_STATUSES})
    if period is not None:
        q &= Q(**{f"{prefix}first_month__gte": period.first, f"{prefix}last_month__lte": period.last})
    return q


def fresh_screened(period: Period | None = None, *, spans: dict | None = None) -> dict[int, list[int]]:
    """Every counted submission's figures as its lines say (for the rebuild and the check); `spans`, when
    given, is filled with each one's (first, last)."""
    rows = list(_excluded_by_reason(PurchaseLine.objects.filter(_counted_within(period, "submission__")),
                                    "submission__first_month", "submission__last_month"))
    if spans is not None:
        spans.update({row[0]: (row[2], row[3]) for row in rows})
    return _figures((pk, reason, a, n) for pk, reason, _first, _last, a, n in rows)


def screened_rebuild(period: Period | None = None) -> int:
    """Re-sum the rows of the submissions within `period` (all without one). Returns rows written."""
    spans: dict = {}
    rows = fresh_screened(period, spans=spans)
    older = SubmissionScreened.objects.all()
    if period is not None:
        older = older.filter(first_month__gte=period.first, last_month__lte=period.last)
    older.delete()
    SubmissionScreened.objects.bulk_create(
        [SubmissionScreened(submission_id=pk, first_month=spans[pk][0], last_month=spans[pk][1],
                            **dict(zip(FIELDS, v, strict=True))) for pk, v in rows.items()], batch_size=2000)
    return len(rows)


def screened_check(period: Period | None = None) -> list[tuple[int, list[int], list[int]]]:
    """(submission id, stored, fresh) for each row that differs from its lines."""
    stored = SubmissionScreened.objects.all()
    if period is not None:
        stored = stored.filter(first_month__gte=period.first, last_month__lte=period.last)
    stored = {row[0]: list(row[1:]) for row in stored.values_list("submission_id", *FIELDS)}
    fresh = fresh_screened(period)
    return [(pk, stored.get(pk, [0] * 5), fresh.get(pk, [0] * 5)) for pk in sorted(set(stored) | set(fresh))
            if stored.get(pk) != fresh.get(pk)]
