"""The review queue's stored items (quality.models.ReviewItem), kept current with the ledger.

A change to a report (a line added, corrected, excluded, the status changed) marks the report stale in the same
transaction (receivers.py); right after the commit its items are computed again by the same rules as
`checks.findings_for_period`, and the amount outliers of every other report of the unit with them, since they are
judged against all the unit's lines. So a queue page reads at most PAGE_SIZE rows a section, whatever the ledger's
size. `fupin findings rebuild` computes all of them again, unit by unit (a repair, or after the office changed the
channel list or thresholds).
"""

import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Substr

from fupin.core.periods import Period
from fupin.quality import rules
from fupin.quality.checks import SEVERITIES, Checker
from fupin.quality.findings import Finding
from fupin.quality.models import ReviewItem, StaleReport
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units.models import Unit, subtree_bounds

Section = ReviewItem.Section
BATCH = 2000  # rows a bulk insert writes at once
UNITS_A_STEP = 20  # units a rebuild computes at once: memory is bounded by their lines, not the ledger's


_deferred = threading.local()  # .ids: the reports marked while refreshes are deferred (see refresh_deferred)


def stale_mark(submission_ids: Iterable[int]) -> None:
    """Mark reports stale inside the writer's transaction; their items are refreshed once it commits (or, within
    `refresh_deferred`, once that ends)."""
    ids = sorted(set(submission_ids))
    if not ids:
        return
    StaleReport.objects.bulk_create([StaleReport(submission_id=pk) for pk in ids], ignore_conflicts=True)
    deferred = getattr(_deferred, "ids", None)
    if deferred is not None:
        deferred.update(ids)
        return
    # after the first, a transaction's further refreshes find nothing stale: one query each
    transaction.on_commit(stale_refresh)


@contextmanager
def refresh_deferred():
    """Within it, the reports marked stale are refreshed once, at its end, rather than after each commit: a month
    form saves and then submits (two commits), an import command stores a report a file. A unit's items are
    computed from all its reports, so one refresh of many reports costs about as much as one of a single report.
    Should the block fail, its marks stay and the next refresh (another write's, or a reader's) takes them."""
    if getattr(_deferred, "ids", None) is not None:  # nested: the outer block refreshes
        yield
        return
    _deferred.ids = set()
    try:
        yield
        ids = _deferred.ids
    finally:
        _deferred.ids = None
    stale_refresh_of(ids)


def stale_refresh_of(submission_ids: Iterable[int]) -> int:
    """Refresh these reports, those of them still marked stale. Returns how many were."""
    ids, done = sorted(set(submission_ids)), 0
    for start in range(0, len(ids), 500):
        if still := list(StaleReport.objects.filter(submission_id__in=ids[start:start + 500])
                         .order_by("submission_id").values_list("submission_id", flat=True)):
            items_refresh(still)
            done += len(still)
    return done


def stale_refresh() -> int:
    """Refresh every report marked stale. Returns how many were. Right after a write's commit this is the few it
    touched; a reader calls it too, so a mark whose refresh did not run (a crash, a test's transaction) is healed."""
    done = 0
    while ids := list(StaleReport.objects.order_by("submission_id").values_list("submission_id", flat=True)[:500]):
        items_refresh(ids)
        done += len(ids)
    return done


def _item(finding: Finding, submission: Submission) -> ReviewItem:
    line = finding.line
    if finding.rule == "duplicate_channel":  # a group is one item: its first line's; the others are counted in it
        section = Section.DUPLICATES if line.pk == finding.related[0] else Section.GROUP
    else:
        section = {"missing_kind": Section.MISSING_KINDS, "channel_unclear": Section.CHANNEL}.get(
            finding.rule, Section.FINDINGS)
    return ReviewItem(section=section, rule=finding.rule, severity=finding.severity,
                      severity_rank=SEVERITIES.index(finding.severity), message=finding.message,
                      suggestions=finding.suggestions, related=finding.related,
                      line_id=line.pk if line else None, position=line.position if line else 0,
                      amount_fen=line.amount_fen if line else 0, **_where(submission))


def _where(submission: Submission) -> dict:
    return {"submission_id": submission.pk, "unit_id": submission.unit_id, "unit_path": submission.unit.path,
            "first_month": submission.first_month, "last_month": submission.last_month,
            "status": submission.status}


def _line_item(line: PurchaseLine, submission: Submission) -> ReviewItem | None:
    if line.excluded:
        section = Section.EXCLUDED
    elif not line.channel_code:
        section = Section.WAITING
    else:
        return None
    return ReviewItem(section=section, line_id=line.pk, position=line.position, amount_fen=line.amount_fen,
                      **_where(submission))


def _items(checker: Checker, submissions: list[Submission]) -> list[ReviewItem]:
    """Every item of these reports: the findings `findings_for_period` would give, and the lines the queue lists."""
    lines: dict[int, list[PurchaseLine]] = {s.pk: [] for s in submissions}
    for line in PurchaseLine.objects.filter(submission__in=submissions).order_by("submission", "position", "pk"):
        lines[line.submission_id].append(line)
    checker.stated_load(submissions)
    items = []
    for submission in submissions:
        for line in lines[submission.pk]:
            line.submission = submission
            if (item := _line_item(line, submission)) is not None:
                items.append(item)
        items += [_item(f, submission) for f in checker.findings(submission, lines[submission.pk])]
    return items


def _outliers(checker: Checker, submissions: list[Submission]) -> list[ReviewItem]:
    """The amount outliers of these reports alone: what another report of the unit changes."""
    by_pk = {s.pk: s for s in submissions}
    items = []
    for line in (PurchaseLine.objects.filter(submission__in=submissions, excluded=False)
                 .only("pk", "position", "amount_fen", "submission_id").order_by("submission", "position", "pk")):
        submission = by_pk[line.submission_id]
        items += [_item(f, submission) for f in rules.amount_outlier(checker, submission, line)]
    return items


def items_refresh(submission_ids: list[int]) -> None:
    """Compute these reports' items again, and the amount outliers of their units' other reviewed reports."""
    with transaction.atomic():
        unit_ids = sorted(set(Submission.objects.filter(pk__in=submission_ids).values_list("unit_id", flat=True)))
        list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk"))  # one refresher a unit
        had_items = ReviewItem.objects.filter(submission_id__in=submission_ids).exists()
        changed = list(Submission.objects.filter(pk__in=submission_ids, status__in=COUNTED_STATUSES)
                       .select_related("unit"))
        ReviewItem.objects.filter(submission_id__in=submission_ids).delete()
        items = []
        if changed or had_items:  # a draft's lines weigh in no statistics: nothing else to do
            checker = Checker()
            checker.history_load(unit_ids)
            items = _items(checker, changed)
            others = list(Submission.objects.filter(unit_id__in=unit_ids, status__in=COUNTED_STATUSES)
                          .exclude(pk__in=submission_ids).select_related("unit"))
            ReviewItem.objects.filter(submission__in=others, rule="amount_outlier").delete()
            items += _outliers(checker, others)
        ReviewItem.objects.bulk_create(items, batch_size=BATCH)
        StaleReport.objects.filter(submission_id__in=submission_ids).delete()


def items_rebuild(*, period: Period | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Compute every reviewed report's items again (within `period`, when given), unit by unit, a step of
    UNITS_A_STEP units a transaction. Returns how many items there are now. `progress(n)` is told each step's
    number of units."""
    reports = Submission.objects.filter(status__in=COUNTED_STATUSES)
    if period is not None:
        reports = reports.filter(first_month__gte=period.first, last_month__lte=period.last)
    unit_ids = sorted(set(reports.values_list("unit_id", flat=True)))
    within = Q() if period is None else Q(first_month__gte=period.first, last_month__lte=period.last)
    if period is None:  # marks made from here on are refreshed as usual; the ones before, by this rebuild
        StaleReport.objects.all().delete()
    checker = Checker()
    for start in range(0, len(unit_ids), UNITS_A_STEP):
        step = unit_ids[start:start + UNITS_A_STEP]
        with transaction.atomic():
            checker._history.clear()
            checker._spreads.clear()
            checker.history_load(step)
            submissions = list(reports.filter(unit_id__in=step).select_related("unit").order_by("unit", "pk"))
            ReviewItem.objects.filter(within, unit_id__in=step).delete()
            ReviewItem.objects.bulk_create(_items(checker, submissions), batch_size=BATCH)
        if progress:
            progress(len(step))
    if period is None:  # items of reports no longer reviewed, or gone
        ReviewItem.objects.exclude(submission_id__in=Submission.objects.filter(status__in=COUNTED_STATUSES)
                                   .values("pk")).delete()
    return ReviewItem.objects.count()


def paths_move(old: str, new: str) -> None:
    """A subtree moved from `old` to `new`: its items' paths change prefix, in one UPDATE."""
    low, high = subtree_bounds(old)
    ReviewItem.objects.filter(unit_path__gte=low, unit_path__lt=high).update(
        unit_path=Concat(Value(new), Substr("unit_path", len(old) + 1), output_field=CharField()))


def units_to_rebuild(period: Period | None = None) -> int:
    reports = Submission.objects.filter(status__in=COUNTED_STATUSES)
    if period is not None:
        reports = reports.filter(first_month__gte=period.first, last_month__lte=period.last)
    return reports.values("unit_id").distinct().count()


def findings_stored(period: Period) -> list[Finding]:
    """The findings on the reviewed reports within `period`, read from the stored items in the order (and with the
    content) `checks.findings_for_period` computes them: what `fupin check --period` prints, without recomputing."""
    items = (ReviewItem.objects.filter(first_month__gte=period.first, last_month__lte=period.last,
                                       status__in=COUNTED_STATUSES)
             .exclude(section__in=[Section.WAITING, Section.EXCLUDED])
             .select_related("unit", "line", "submission__unit")
             .order_by("severity_rank", "unit_path", "position", "rule", "first_month", "line_id", "pk"))
    return [Finding(item.severity, item.rule, item.unit, item.line, item.message, rule_name=item.rule_name,
                    suggestions=item.suggestions, related=item.related, submission=item.submission)
            for item in items.iterator(chunk_size=BATCH)]
