"""Keeping the rollup current: mark on change, sum on flush, rebuild on demand.

- Every change to a submission or a line marks its (unit, span) dirty in the same transaction (signals.py;
  `bulk_create_with_history` sends no signal, but every bulk insert of lines happens inside `submission_create`,
  whose Submission save marks the span).
- `rollup_flush()` re-sums the rows of the marked units' ancestors, deepest first: the deepest rolled-up level from
  its subtree's lines, each level above from its own lines plus its children's rows. Each sum replaces the rows
  it covers, so running it twice changes nothing. The query layer flushes before it reads.
- `rollup_rebuild(period=)` re-sums every rolled-up unit for the spans within a period, one unit per
  transaction: interrupted, it is simply run again.
"""

import secrets
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum

from fupin.core.periods import Period
from fupin.insights.models import Rollup, RollupDirty
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units.models import Unit, subtree_bounds

KEY = ("channel_code", "method", "consumption_type")
Span = tuple[date, date]


def rollup_depth() -> int:
    """Units shallower than this keep rows: 3 = the root, cities and counties of a province."""
    return int(getattr(settings, "FUPIN_ROLLUP_DEPTH", 3))


def path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def rollup_mark(unit_id: int, first_month: date, last_month: date) -> None:
    RollupDirty.objects.bulk_create(
        [RollupDirty(unit_id=unit_id, first_month=first_month, last_month=last_month,
                     token=secrets.randbits(62))],
        update_conflicts=True, unique_fields=["unit", "first_month", "last_month"], update_fields=["token"])


def _span_q(spans: set[Span], prefix: str = "") -> Q:
    firsts, lasts = {s[0] for s in spans}, {s[1] for s in spans}
    return Q(**{f"{prefix}first_month__in": firsts, f"{prefix}last_month__in": lasts})


def _exact_q(spans: set[Span]) -> Q:
    return Q(*[Q(first_month=f, last_month=la) for f, la in sorted(spans)], _connector=Q.OR)


def _line_sums(lines, spans: set[Span], into: dict) -> None:
    rows = (lines.filter(_span_q(spans, "submission__"), submission__status__in=COUNTED_STATUSES)
            .values_list("submission__first_month", "submission__last_month", *KEY, "excluded")
            .annotate(amount=Sum("amount_fen"), n=Count("pk")).order_by())
    for first, last, channel, method, kind, excluded, amount, n in rows:
        if (first, last) not in spans:
            continue
        sums = into.setdefault((first, last, channel, method, kind), [0, 0, 0, 0])
        offset = 2 if excluded else 0
        sums[offset] += amount
        sums[offset + 1] += n


def _recompute(unit_id: int, path: str, depth: int, spans: set[Span]) -> None:
    """Replace `unit_id`'s rows for `spans` with fresh sums."""
    sums: dict[tuple, list[int]] = {}
    if depth >= rollup_depth() - 1:
        lo, hi = subtree_bounds(path)
        _line_sums(PurchaseLine.objects.filter(submission__unit__path__gte=lo, submission__unit__path__lt=hi),
                   spans, sums)
    else:
        _line_sums(PurchaseLine.objects.filter(submission__unit_id=unit_id), spans, sums)
        children = (Rollup.objects.filter(_span_q(spans), ancestor__parent_id=unit_id)
                    .values_list("first_month", "last_month", *KEY)
                    .annotate(a=Sum("amount_fen"), n=Sum("line_count"), xa=Sum("excluded_fen"),
                              xn=Sum("excluded_lines")).order_by())
        for first, last, channel, method, kind, a, n, xa, xn in children:
            if (first, last) not in spans:
                continue
            acc = sums.setdefault((first, last, channel, method, kind), [0, 0, 0, 0])
            for i, value in enumerate((a, n, xa, xn)):
                acc[i] += value
    Rollup.objects.filter(_exact_q(spans), ancestor_id=unit_id).delete()
    Rollup.objects.bulk_create(
        [Rollup(ancestor_id=unit_id, first_month=k[0], last_month=k[1], channel_code=k[2], method=k[3],
                consumption_type=k[4], amount_fen=s[0], line_count=s[1], excluded_fen=s[2], excluded_lines=s[3])
         for k, s in sums.items()], batch_size=1000)


def _targets(marks) -> dict[int, set[Span]]:
    """(unit_id, first, last) marks → rolled-up ancestor id → spans to re-sum."""
    unit_ids = {m[0] for m in marks}
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    targets: dict[int, set[Span]] = defaultdict(set)
    for unit_id, first, last in marks:
        for ancestor in path_ids(paths.get(unit_id, ""))[: rollup_depth()]:
            targets[ancestor].add((first, last))
    return targets


def _resum(targets: dict[int, set[Span]]) -> None:
    # Locking the ancestors top down serialises concurrent flushes (PostgreSQL) without deadlocks.
    units = list(Unit.objects.select_for_update().filter(pk__in=list(targets)).order_by("depth", "pk")
                 .values_list("pk", "path", "depth"))
    for pk, path, depth in sorted(units, key=lambda u: (-u[2], u[0])):
        _recompute(pk, path, depth, targets[pk])


def rollup_flush(*, batch: int = 500) -> int:
    """Bring the rollup up to date with every marked change. Returns how many marks it consumed."""
    done = 0
    while True:
        with transaction.atomic():
            marks = list(RollupDirty.objects.order_by("pk")
                         .values_list("pk", "unit_id", "first_month", "last_month", "token")[:batch])
            if not marks:
                return done
            _resum(_targets([m[1:4] for m in marks]))
            for pk, *_, token in marks:
                RollupDirty.objects.filter(pk=pk, token=token).delete()
        done += len(marks)
        if len(marks) < batch:
            return done


def rollup_fresh() -> None:
    """What every reader calls first: one cheap query when nothing changed."""
    if RollupDirty.objects.exists():
        rollup_flush()


def rollup_rebuild(*, period: Period | None = None, progress=None) -> int:
    """Re-sum every rolled-up unit for the spans lying within `period` (all spans without one), deepest level
    first, one unit per transaction. Idempotent; run it again after an interruption. Returns units re-summed."""
    submissions = Submission.objects.all()
    if period is not None:
        submissions = submissions.filter(first_month__gte=period.first, last_month__lte=period.last)
    spans = set(submissions.values_list("first_month", "last_month").distinct().order_by())
    marks = list(RollupDirty.objects.values_list("pk", "first_month", "last_month", "token"))
    units = list(Unit.objects.filter(depth__lt=rollup_depth()).order_by("-depth", "pk")
                 .values_list("pk", "path", "depth"))
    if spans:
        for pk, path, depth in units:
            with transaction.atomic():
                _recompute(pk, path, depth, spans)
            if progress:
                progress(1)
    # Rows of spans no submission has any more (a span is never deleted in practice, but be exact).
    within = Rollup.objects.all() if period is None else Rollup.objects.filter(
        first_month__gte=period.first, last_month__lte=period.last)
    for first, last in set(within.values_list("first_month", "last_month").distinct().order_by()) - spans:
        Rollup.objects.filter(first_month=first, last_month=last).delete()
    for pk, first, last, token in marks:
        if period is None or period.contains(Period(first, last)):
            RollupDirty.objects.filter(pk=pk, token=token).delete()
    return len(units) if spans else 0
