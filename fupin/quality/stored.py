"""The review queue's stored items (quality.models.ReviewItem), kept current with the ledger.

A change to a report (a line added, corrected, excluded, the status changed) marks the report stale in the same
transaction (receivers.py); right after the commit its items are computed again by the same rules as
`checks.findings_for_period`, and the amount outliers of every other report of the unit with them, since they are
judged against all the unit's lines. So a queue page reads at most PAGE_SIZE rows a section, whatever the ledger's
size. `fupin findings rebuild` computes all of them again, unit by unit (a repair, or after the office changed the
channel list or thresholds).

On SQLite a refresh computes before its write transaction and writes only if its units' clocks (ReviewClock, moved on
by every mark) have not moved meanwhile; otherwise it computes again inside (items_refresh).
"""

import threading
from collections import namedtuple
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from itertools import islice

from django.db import connection, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Substr

from fupin.core.bulk_rows import columns_check, db_value, rows_insert
from fupin.core.periods import Period
from fupin.quality import background, rules
from fupin.quality.checks import SEVERITIES, Checker
from fupin.quality.findings import Finding
from fupin.quality.models import ReviewClock, ReviewItem, StaleReport
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units.models import Unit, subtree_bounds

Section = ReviewItem.Section
BATCH = 2000  # rows a read fetches at once
UNITS_A_STEP = 20  # units a rebuild computes at once: memory is bounded by their lines, not the ledger's


_deferred = threading.local()  # .ids: the reports marked while refreshes are deferred (see refresh_deferred)


def stale_mark(submission_ids: Iterable[int]) -> None:
    """Mark reports stale inside the writer's transaction; their items are refreshed once it commits (or, within
    `refresh_deferred`, once that ends; under `fupin serve`, by the worker's refresher: quality/background.py)."""
    ids = sorted(set(submission_ids))
    if not ids:
        return
    if _computed_ahead():
        _clocks_tick(ids)
    StaleReport.objects.bulk_create([StaleReport(submission_id=pk) for pk in ids])
    deferred = getattr(_deferred, "ids", None)
    if deferred is not None:
        deferred.update(ids)
        return
    if (worker := background.refresher()) is not None:  # under `fupin serve`: a thread of the worker refreshes
        transaction.on_commit(lambda: worker.add(ids))
        return
    # after the first, a transaction's further refreshes find nothing stale: one query each
    transaction.on_commit(stale_refresh)


def _computed_ahead() -> bool:
    """Whether a refresh computes before its write transaction, checked by its units' clocks (items_refresh): on
    SQLite, where writers queue for one lock."""
    return connection.vendor == "sqlite"


def _clocks_tick(submission_ids: list[int]) -> None:
    """Move on the clocks of these reports' units."""
    quote = connection.ops.quote_name
    clock, submission = quote(ReviewClock._meta.db_table), quote(Submission._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(submission_ids), 500):
            step = submission_ids[start:start + 500]
            cursor.execute(f"INSERT INTO {clock} (unit_id, ticks) SELECT DISTINCT unit_id, 1 FROM {submission} "
                           f"WHERE id IN ({', '.join(['%s'] * len(step))}) "
                           f"ON CONFLICT (unit_id) DO UPDATE SET ticks = {clock}.ticks + 1", step)


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
        if marks := list(StaleReport.objects.filter(submission_id__in=ids[start:start + 500])
                         .values_list("pk", "submission_id")):
            done += _marks_refresh(marks)
    return done


def stale_refresh() -> int:
    """Refresh every report marked stale. Returns how many were. Right after a write's commit this is the few it
    touched; a reader calls it too, so a mark whose refresh did not run (a crash, a test's transaction) is healed."""
    done = 0
    while marks := list(StaleReport.objects.order_by("pk").values_list("pk", "submission_id")[:500]):
        done += _marks_refresh(marks)
    return done


def _marks_refresh(marks: list[tuple[int, int]]) -> int:
    """Refresh the reports these marks (pk, report) name, and delete these marks, no others."""
    reports = sorted({submission_id for _, submission_id in marks})
    items_refresh(reports, marks=[pk for pk, _ in marks])
    return len(reports)


# A stored item as a row (fupin.core.bulk_rows): built as a tuple and written set-based, not as a ReviewItem whose
# values the ORM would compile one by one (most of an import's refresh). Order: what varies, then `_where`'s part.
COLUMNS = ("section", "rule", "severity", "severity_rank", "message", "suggestions", "related", "line_id",
           "position", "amount_fen", "submission_id", "unit_id", "unit_path", "first_month", "last_month", "status")
columns_check(ReviewItem, COLUMNS)
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
_LINE_RANK = ReviewItem._meta.get_field("severity_rank").default  # a listed line's: after every finding
_SECTIONS = {"missing_kind": Section.MISSING_KINDS.value, "channel_unclear": Section.CHANNEL.value}
# the sections' plain text: a row holds what the driver binds as text, not enum members it might adapt otherwise
DUPLICATES, GROUP, FINDINGS = Section.DUPLICATES.value, Section.GROUP.value, Section.FINDINGS.value
EXCLUDED, WAITING = Section.EXCLUDED.value, Section.WAITING.value


# A stored line as a refresh's checks read it: the fields the rules (and _Rows) read, one tuple a line rather than a
# PurchaseLine object (building those was a third of an import's refresh). Immutable, as no rule writes to a stored
# line; a rule reading a field not listed here fails loudly (AttributeError), never silently.
_Line = namedtuple("_Line", ("pk", "submission_id", "position", "product", "source_text", "channel_code",
                             "method_text", "method", "amount_fen", "consumption_type", "note", "excluded"))


class _Rows:
    """The rows of one refresh (or rebuild step), in the order they are written: the order bulk_create kept, so
    the ids (the queue's last tie-break) come out as before."""

    def __init__(self):
        self.rows: list[tuple] = []
        self._where: dict[int, tuple] = {}
        self._json: dict[int, tuple[list, str]] = {}  # by id(): a list's text, written once however often it is
        self._heads: dict[int, str] = {}
        self._empty = db_value(ReviewItem._meta.get_field("related"), [])
        self._field = ReviewItem._meta.get_field("suggestions")  # `related` is written alike (no encoder)

    def where(self, submission: Submission) -> tuple:
        """The report's part of a row, once a report (its dates in the database's form)."""
        if (where := self._where.get(submission.pk)) is None:
            first, last = (db_value(ReviewItem._meta.get_field(name), getattr(submission, name))
                           for name in ("first_month", "last_month"))
            where = self._where[submission.pk] = (submission.pk, submission.unit_id, submission.unit.path, first,
                                                  last, submission.status)
        return where

    def json(self, value: list) -> str:
        if not value:
            return self._empty
        if (known := self._json.get(id(value))) is None:  # the list is kept with its text: its id stays its own
            known = self._json[id(value)] = (value, db_value(self._field, value))
        return known[1]

    def head(self, pk: int) -> str:
        """A group's other line's `related`: [its first line], whose row keeps the group's list (groups_filled)."""
        if (known := self._heads.get(pk)) is None:
            known = self._heads[pk] = db_value(self._field, [pk])
        return known

    def finding(self, finding: Finding, where: tuple) -> None:
        """A finding's row; `where`: its report's part (`where(submission)`, taken once a report)."""
        line, related = finding.line, finding.related
        if finding.rule == "duplicate_channel":  # a group is one item: its first line's; the others are counted in it
            section = DUPLICATES if line.pk == related[0] else GROUP
        else:
            section = _SECTIONS.get(finding.rule, FINDINGS)
        self.rows.append((section, finding.rule, finding.severity, _RANK[finding.severity], finding.message,
                          self.json(finding.suggestions),
                          self.head(related[0]) if section == GROUP else self.json(related),
                          line.pk if line else None, line.position if line else 0, line.amount_fen if line else 0,
                          *where))

    def line(self, line: _Line, where: tuple) -> None:
        """A line the queue lists: excluded, or waiting for a channel."""
        if line.excluded:
            section = EXCLUDED
        elif not line.channel_code:
            section = WAITING
        else:
            return
        self.rows.append((section, "", "", _LINE_RANK, "", self._empty, self._empty, line.pk, line.position,
                          line.amount_fen, *where))

    def write(self) -> int:
        return rows_insert(ReviewItem, COLUMNS, self.rows)


def _items(checker: Checker, submissions: list[Submission], rows: _Rows) -> None:
    """Every item of these reports: the findings `findings_for_period` would give, and the lines the queue lists."""
    lines: dict[int, list[_Line]] = {s.pk: [] for s in submissions}
    for line in map(_Line._make, PurchaseLine.objects.filter(submission__in=submissions)
                    .order_by("submission", "position", "pk").values_list(*_Line._fields)):
        lines[line.submission_id].append(line)
    checker.stated_load(submissions)
    for submission in submissions:
        where = rows.where(submission)
        for line in lines[submission.pk]:
            rows.line(line, where)
        for finding in checker.findings(submission, lines[submission.pk]):
            rows.finding(finding, where)


class _Amount:
    """The three fields of a line the outlier rule reads (rules.amount_outlier: pk, amount_fen, position via _row),
    so the other reports' lines need not each be a (deferred) model object."""

    __slots__ = ("pk", "position", "amount_fen")

    def __init__(self, pk: int, position: int, amount_fen: int):
        self.pk, self.position, self.amount_fen = pk, position, amount_fen


def _outliers(checker: Checker, submissions: list[Submission], rows: _Rows) -> None:
    """The amount outliers of these reports alone: what another report of the unit changes."""
    by_pk = {s.pk: s for s in submissions}
    # Only the lines outside each unit's quiet band can be outliers: the rest of its history is not read.
    z_limit = float(checker.thresholds.outlier_z)
    candidates = Q(pk__in=[])
    for unit_id in {s.unit_id for s in submissions}:
        band = checker.spread(unit_id).quiet_band(z_limit)
        of_unit = Q(submission__unit_id=unit_id)
        candidates |= of_unit & ~Q(amount_fen__range=band) if band else of_unit
    for pk, position, amount_fen, submission_id in (
            PurchaseLine.objects.filter(candidates, submission__in=submissions, excluded=False)
            .order_by("submission", "position", "pk").values_list("pk", "position", "amount_fen", "submission_id")):
        submission = by_pk[submission_id]
        for finding in rules.amount_outlier(checker, submission, _Amount(pk, position, amount_fen)):
            rows.finding(finding, rows.where(submission))


def items_refresh(submission_ids: list[int], *, marks: list[int]) -> None:
    """Compute these reports' items again, and the amount outliers of their units' other reviewed reports; delete
    `marks`, the stale marks read before (StaleReport).

    On SQLite, which lets one writer at a time, they are computed before the write transaction, so that the writers
    queued behind it (a deadline day's reports, the rest of an import) do not wait for the rules. The units' clocks
    are read before anything else, so a change committed during the reads has moved one on; the transaction writes
    what was computed only if nothing it was computed from has moved, and otherwise computes again, inside.
    On PostgreSQL, whose writers do not queue for each other, it computes inside, under its units' row locks: a
    clock there would be one more row every writer locks, and two writers could take them in opposite orders."""
    ahead = _computed_ahead()
    if ahead:
        ground = _ground(submission_ids)
        refresh = _computed(submission_ids, ground)
    with transaction.atomic():
        now = _ground(submission_ids, lock=True)
        if not ahead or now != ground:
            refresh = _computed(submission_ids, now)
        others, rows = refresh
        ReviewItem.objects.filter(submission_id__in=submission_ids).delete()
        if others:
            ReviewItem.objects.filter(submission_id__in=others, rule="amount_outlier").delete()
        rows.write()
        StaleReport.objects.filter(pk__in=marks).delete()


_Ground = namedtuple("_Ground", ("paths", "clocks", "had_items"))  # what a refresh's rows depend on, beyond the lines


def _ground(submission_ids: list[int], *, lock: bool = False) -> _Ground:
    """The reports' units (their paths), the units' clocks, read after them, and whether the reports have items.
    `lock`: inside the write transaction, the units locked (on PostgreSQL: one refresher a unit)."""
    units = Unit.objects.select_for_update() if lock else Unit.objects.all()
    paths = dict(units.filter(pk__in=Submission.objects.filter(pk__in=submission_ids).values("unit_id"))
                 .order_by("pk").values_list("pk", "path"))
    clocks = (dict(ReviewClock.objects.filter(unit_id__in=list(paths)).values_list("unit_id", "ticks"))
              if _computed_ahead() else {})  # elsewhere no clock moves
    had_items = ReviewItem.objects.filter(submission_id__in=submission_ids).exists()
    return _Ground(paths, clocks, had_items)


def _computed(submission_ids: list[int], ground: _Ground) -> tuple[list[int], _Rows]:
    """The reports' rows, and the units' other reviewed reports whose outliers they replace. Reads only."""
    rows, others = _Rows(), []
    changed = list(Submission.objects.filter(pk__in=submission_ids, status__in=COUNTED_STATUSES)
                   .select_related("unit"))
    if changed or ground.had_items:  # a draft's lines weigh in no statistics: nothing else to do
        unit_ids = list(ground.paths)
        checker = Checker()
        checker.history_load(unit_ids)
        _items(checker, changed, rows)
        others = list(Submission.objects.filter(unit_id__in=unit_ids, status__in=COUNTED_STATUSES)
                      .exclude(pk__in=submission_ids).select_related("unit"))
        _outliers(checker, others, rows)
    return [s.pk for s in others], rows


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
            rows = _Rows()
            _items(checker, submissions, rows)
            rows.write()
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


def groups_filled(items: list[ReviewItem]) -> list[ReviewItem]:
    """Give a duplicate group's other lines their group's list of lines. Their rows name only the group's first
    line (related = [its id]): the list is kept once, on that line's row, so a group of n lines stores n ids, not
    n² (one channel and product over a year is a group of thousands). One query for the items given."""
    heads = {item.related[0] for item in items if item.section == GROUP and item.related}
    if heads:
        lists = dict(ReviewItem.objects.filter(section=DUPLICATES, line_id__in=heads)
                     .values_list("line_id", "related"))
        for item in items:
            if item.section == GROUP and item.related:
                item.related = lists.get(item.related[0], item.related)
    return items


def findings_stored(period: Period) -> list[Finding]:
    """The findings on the reviewed reports within `period`, read from the stored items in the order (and with the
    content) `checks.findings_for_period` computes them: what `fupin check --period` prints, without recomputing."""
    items = (ReviewItem.objects.filter(first_month__gte=period.first, last_month__lte=period.last,
                                       status__in=COUNTED_STATUSES)
             .exclude(section__in=[Section.WAITING, Section.EXCLUDED])
             .select_related("unit", "line", "submission__unit")
             .order_by("severity_rank", "unit_path", "position", "rule", "first_month", "line_id", "pk"))
    stream, found = items.iterator(chunk_size=BATCH), []
    while chunk := list(islice(stream, BATCH)):  # a duplicate group's lists: one query a chunk
        found += _as_findings(groups_filled(chunk))
    return found


def _as_findings(items: list[ReviewItem]) -> list[Finding]:
    return [Finding(item.severity, item.rule, item.unit, item.line, item.message, rule_name=item.rule_name,
                    suggestions=item.suggestions, related=item.related, submission=item.submission)
            for item in items]
