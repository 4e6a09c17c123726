"""Keeping the rollup current: deltas in the writer's transaction, a rebuild and a check for repair.

- Every change to a line, a submission or a unit's place in the tree changes the rollup rows in the same
  transaction (signals.py calls the functions below), so a rolled-back change leaves no figure and no read
  ever writes. A line's change is applied as old → new (one upsert per table); a change whose old figures are
  unknown (a status change, a bulk import, lines replaced in SQL) re-sums that one submission's lines and
  applies the difference from its `SubmissionSum` rows. Upserts add to the row (`x = x + excluded.x`), so
  concurrent writers never overwrite each other's figures.
- `rollup_rebuild(period=)` re-sums everything for the spans within a period (repair, or after loading a
  database behind the services' back); `rollup_check()` compares the stored rows with a fresh sum of the lines.
"""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When

from fupin.core.periods import Period
from fupin.insights.models import Rollup, RollupDirty, SubmissionSum
from fupin.insights.reported_months import months_rebuild
from fupin.insights.screened_sums import screened_check, screened_clear, screened_rebuild, screened_store
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units.models import Unit, subtree_bounds

KEY = ("channel_code", "method", "consumption_type")
COUNTS = ("amount_fen", "line_count", "excluded_fen", "excluded_lines")
Span = tuple[date, date]
# (first, last, channel, method, type) → [amount, lines, excluded amount, excluded lines]
Sums = dict[tuple, list[int]]
RESYNC_STEP = 500  # submissions re-summed together (submissions_resync)


def rollup_depth() -> int:
    """Units shallower than this keep rows: 3 = the root, cities and counties of a province."""
    return int(getattr(settings, "FUPIN_ROLLUP_DEPTH", 3))


def path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def rolled_ancestors(path: str) -> list[int]:
    """The units whose rows count a line of the unit at `path`: itself and its ancestors, those keeping rows."""
    return path_ids(path)[: rollup_depth()]


def line_figures(amount: int, excluded: bool) -> list[int]:
    return [0, 0, amount, 1] if excluded else [amount, 1, 0, 0]


def _add(into: Sums, key: tuple, figures, sign: int = 1) -> None:
    acc = into.setdefault(key, [0, 0, 0, 0])
    for i, value in enumerate(figures):
        acc[i] += sign * value


# ---- applying deltas ---------------------------------------------------------------------------------------


def _upsert(model, key_columns: list[str], rows: list[tuple]) -> None:
    """Add each row's counts to the stored row of its key, creating it when missing: one statement for all the rows
    (a batch of imported reports brings thousands, which one VALUES list would bind value by value): on PostgreSQL
    the rows go as one array a column, on SQLite through executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = key_columns + list(COUNTS)
    names = ", ".join(quote(c) for c in columns)
    add = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in (quote(c) for c in COUNTS))
    target = ", ".join(quote(c) for c in key_columns)
    conflict = f"ON CONFLICT ({target}) DO UPDATE SET {add}"
    # One order for every writer: concurrent transactions lock shared rows (the root's) in the same order and
    # wait for each other instead of deadlocking.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # executemany there is a statement a row: one INSERT … SELECT instead
            arrays = ", ".join(f"%s::{model._meta.get_field(c).db_type(connection)}[]" for c in columns)
            sums = ", ".join(f"SUM({quote(c)})::bigint" for c in COUNTS)  # a row's key may come twice
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {target}, {sums} FROM unnest({arrays}) "
                           f"AS given ({names}) GROUP BY {target} ORDER BY {target} {conflict}",
                           [list(column) for column in zip(*rows, strict=True)])
            return
        rows = sorted(rows, key=lambda row: tuple(str(v) for v in row[: len(key_columns)]))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))}) {conflict}",
                           rows)


def rollup_apply(*, path: str, first: date, last: date, deltas: dict[tuple, list[int]],
                 submission_id: int | None = None) -> None:
    """Add `deltas` (channel × method × type → four counts) to the rows of the unit at `path` and its rolled-up
    ancestors for one span, and to the submission's own sums when given. Rows left empty are deleted, as a
    rebuild would not have them."""
    deltas = {k: v for k, v in deltas.items() if any(v)}
    if not deltas:
        return
    ancestors = rolled_ancestors(path)
    _upsert(Rollup, ["ancestor_id", "first_month", "last_month", *KEY],
            [(a, first, last, *k, *v) for a in ancestors for k, v in deltas.items()])
    if submission_id is not None:
        _upsert(SubmissionSum, ["submission_id", *KEY], [(submission_id, *k, *v) for k, v in deltas.items()])
    if any(v[1] < 0 or v[3] < 0 for v in deltas.values()):  # something went: a row may now be empty
        Rollup.objects.filter(ancestor_id__in=ancestors, first_month=first, last_month=last, line_count=0,
                              excluded_lines=0).delete()
        if submission_id is not None:
            SubmissionSum.objects.filter(submission_id=submission_id, line_count=0, excluded_lines=0).delete()


def submission_place(submission_id: int):
    """(counted, unit path, first, last) as stored, or None."""
    row = (Submission.objects.filter(pk=submission_id)
           .values_list("status", "unit__path", "first_month", "last_month").first())
    if row is None:
        return None
    return row[0] in COUNTED_STATUSES, row[1], row[2], row[3]


def line_changed(*, old: tuple | None, new: tuple | None) -> None:
    """A line went from `old` to `new`, each (submission id, channel, method, type, excluded, amount) or None."""
    if old == new:
        return
    by_submission: dict[int, dict] = defaultdict(dict)
    for state, sign in ((old, -1), (new, 1)):
        if state is not None:
            submission_id, channel, method, kind, excluded, amount = state
            _add(by_submission[submission_id], (channel, method, kind), line_figures(amount, excluded), sign)
    for submission_id, deltas in by_submission.items():
        place = submission_place(submission_id)
        if place and place[0]:  # a draft's or a returned report's lines count nowhere
            rollup_apply(path=place[1], first=place[2], last=place[3], deltas=deltas, submission_id=submission_id)


def _submission_line_sums(submission_ids, screened: list | None = None) -> dict[int, dict[tuple, list[int]]]:
    """The submissions' sums by key from their lines: one grouped query. `screened`, when given, receives the
    excluded lines' (submission id, reason, amount, lines) from the same rows (screened_sums.py keeps them)."""
    reason = Case(When(excluded=True, then=F("exclusion_reason")), default=Value(""))
    rows = (PurchaseLine.objects.filter(submission_id__in=submission_ids).annotate(why=reason)
            .values_list("submission_id", *KEY, "excluded", "why").annotate(a=Sum("amount_fen"), n=Count("pk"))
            .order_by())
    out: dict[int, dict] = defaultdict(dict)
    for submission_id, channel, method, kind, excluded, why, a, n in rows:
        _add(out[submission_id], (channel, method, kind), [0, 0, a, n] if excluded else [a, n, 0, 0])
        if excluded and screened is not None:
            screened.append((submission_id, why, a, n))
    return out


def _stored_sums(submission_id: int) -> dict[tuple, list[int]]:
    return {(c, m, t): [a, n, xa, xn] for c, m, t, a, n, xa, xn in
            SubmissionSum.objects.filter(submission_id=submission_id).values_list(*KEY, *COUNTS)}


def fresh_submission_add(submission: Submission, lines) -> None:
    """A counted report created in this transaction, with these lines (LineInputs, none excluded) its only ones:
    its figures summed from them, as a re-sum would read them back (three reads saved: deadline day's month form
    sends one such report a request). The unit's path is read here, in the transaction, as a re-sum reads it."""
    deltas: dict[tuple, list[int]] = {}
    for line in lines:
        _add(deltas, (line.channel_code, line.method, line.consumption_type), line_figures(line.amount_fen, False))
    path = Unit.objects.filter(pk=submission.unit_id).values_list("path", flat=True).get()
    rollup_apply(path=path, first=submission.first_month, last=submission.last_month, deltas=deltas,
                 submission_id=submission.pk)


def submission_resync(submission_id: int, *, moved_from: tuple | None = None) -> None:
    """Make the submission's contribution what its lines and status say now: one sum of its lines.

    `moved_from` = (unit path, first, last) where its rows were counted before, when the submission itself
    changed unit or span: what it contributed there moves to where it is now, before the re-sum."""
    if moved_from is not None:
        place, stored = submission_place(submission_id), _stored_sums(submission_id)
        if place is not None and stored:
            old_path, old_first, old_last = moved_from
            rollup_apply(path=old_path, first=old_first, last=old_last,
                         deltas={k: [-x for x in v] for k, v in stored.items()})
            rollup_apply(path=place[1], first=place[2], last=place[3], deltas=stored)
    _resync_step([submission_id])


def submissions_resync(submission_ids) -> None:
    """`submission_resync` for many submissions at once (a batch of imported files, deferred.py): a fixed number
    of queries for each step of RESYNC_STEP submissions, the rollup rows of them all in one upsert."""
    ids = sorted(set(submission_ids))
    for start in range(0, len(ids), RESYNC_STEP):
        _resync_step(ids[start:start + RESYNC_STEP])


def _resync_step(ids: list[int]) -> None:
    places = {pk: (status in COUNTED_STATUSES, path, first, last) for pk, status, path, first, last in
              Submission.objects.filter(pk__in=ids).values_list("pk", "status", "unit__path", "first_month",
                                                                "last_month")}
    excluded: list = []
    targets = _submission_line_sums([pk for pk, place in places.items() if place[0]], excluded)
    stored: dict[int, dict] = defaultdict(dict)
    for pk, *key_counts in SubmissionSum.objects.filter(submission_id__in=ids).values_list("submission_id", *KEY,
                                                                                          *COUNTS):
        stored[pk][tuple(key_counts[:3])] = key_counts[3:]
    rows: Sums = {}
    sums: list[tuple] = []
    emptied: set[int] = set()
    for pk, (_counted_now, path, first, last) in places.items():
        deltas: dict[tuple, list[int]] = {}
        for key, figures in targets.get(pk, {}).items():
            _add(deltas, key, figures)
        for key, figures in stored.get(pk, {}).items():
            _add(deltas, key, figures, -1)
        for key, figures in deltas.items():
            if any(figures):
                sums.append((pk, *key, *figures))
                for ancestor in rolled_ancestors(path):
                    _add(rows, (ancestor, first, last, *key), figures)
                if figures[1] < 0 or figures[3] < 0:
                    emptied.add(pk)
    _upsert(Rollup, ["ancestor_id", "first_month", "last_month", *KEY],
            [(*key, *figures) for key, figures in rows.items() if any(figures)])
    _upsert(SubmissionSum, ["submission_id", *KEY], sums)
    if emptied:  # something went: rows may now be empty, as a rebuild would not have them
        ancestors = {a for pk in emptied for a in rolled_ancestors(places[pk][1])}
        Rollup.objects.filter(ancestor_id__in=ancestors, line_count=0, excluded_lines=0).delete()
        SubmissionSum.objects.filter(submission_id__in=emptied, line_count=0, excluded_lines=0).delete()
    screened: dict[int, list] = defaultdict(list)
    for row in excluded:
        screened[row[0]].append(row)
    for pk, place in places.items():
        existed = any(v[3] for v in stored.get(pk, {}).values())
        if existed or pk in screened:  # the many without excluded lines, before or after, need nothing
            screened_store(pk, place, screened.get(pk, []), existed=existed)


def submission_clear(submission_id: int) -> None:
    """The submission's lines are all going (in SQL, no per-line signal): take its whole contribution out."""
    screened_clear(submission_id)
    place = submission_place(submission_id)
    stored = _stored_sums(submission_id)
    if place is not None and stored:
        rollup_apply(path=place[1], first=place[2], last=place[3], submission_id=submission_id,
                     deltas={k: [-x for x in v] for k, v in stored.items()})


def _subtree_sums(path: str) -> Sums:
    """A subtree's counted figures by span and key, from its submissions' sums (one grouped query)."""
    lo, hi = subtree_bounds(path)
    rows = (SubmissionSum.objects.filter(submission__unit__path__gte=lo, submission__unit__path__lt=hi)
            .values_list("submission__first_month", "submission__last_month", *KEY)
            .annotate(a=Sum("amount_fen"), n=Sum("line_count"), xa=Sum("excluded_fen"), xn=Sum("excluded_lines"))
            .order_by())
    return {tuple(row[:5]): list(row[5:]) for row in rows}


def _apply_spans(ancestors: list[int], sums: Sums, sign: int) -> None:
    if not ancestors or not sums:
        return
    _upsert(Rollup, ["ancestor_id", "first_month", "last_month", *KEY],
            [(a, *k, *[sign * x for x in v]) for a in ancestors for k, v in sums.items()])
    if sign < 0:
        Rollup.objects.filter(ancestor_id__in=ancestors, line_count=0, excluded_lines=0).delete()


def unit_moved(*, unit_id: int, old_path: str, new_parent_path: str) -> None:
    """A unit (with its subtree) moved under another parent. Called while the stored paths are still the old
    ones: the subtree's figures leave the old ancestors and reach the new ones; units inside that cross the
    rollup depth gain or lose their rows."""
    depth = rollup_depth()
    old_ancestors = set(path_ids(old_path)[:-1][:depth])
    new_ancestors = set(path_ids(new_parent_path)[:depth])
    sums = _subtree_sums(old_path)
    _apply_spans(sorted(old_ancestors - new_ancestors), sums, -1)
    _apply_spans(sorted(new_ancestors - old_ancestors), sums, 1)
    shift = len(path_ids(new_parent_path)) + 1 - len(path_ids(old_path))
    if not shift:
        return
    lo, hi = subtree_bounds(old_path)
    for pk, path, unit_depth in Unit.objects.filter(path__gte=lo, path__lt=hi).values_list("pk", "path", "depth"):
        if unit_depth < depth <= unit_depth + shift:
            Rollup.objects.filter(ancestor_id=pk).delete()
        elif unit_depth + shift < depth <= unit_depth:
            _apply_spans([pk], _subtree_sums(path), 1)


# ---- rebuild and check --------------------------------------------------------------------------------------


def _counted(period: Period | None, prefix: str = ""):
    q = Q(**{f"{prefix}status__in": COUNTED_STATUSES})
    if period is not None:
        q &= Q(**{f"{prefix}first_month__gte": period.first, f"{prefix}last_month__lte": period.last})
    return q


def _fresh_submission_sums(period: Period | None) -> dict[tuple, list[int]]:
    """(submission id, channel, method, type) → counts, summed from the lines: one grouped query."""
    rows = (PurchaseLine.objects.filter(_counted(period, "submission__"))
            .values_list("submission_id", *KEY, "excluded").annotate(a=Sum("amount_fen"), n=Count("pk")).order_by())
    out: dict[tuple, list[int]] = {}
    for submission_id, channel, method, kind, excluded, a, n in rows:
        _add(out, (submission_id, channel, method, kind), [0, 0, a, n] if excluded else [a, n, 0, 0])
    return out


def _fresh_unit_sums(path: str, period: Period | None) -> Sums:
    """A rolled-up unit's rows as the lines say (its whole subtree): one grouped query."""
    lo, hi = subtree_bounds(path)
    rows = (PurchaseLine.objects.filter(_counted(period, "submission__"), submission__unit__path__gte=lo,
                                        submission__unit__path__lt=hi)
            .values_list("submission__first_month", "submission__last_month", *KEY, "excluded")
            .annotate(a=Sum("amount_fen"), n=Count("pk")).order_by())
    out: Sums = {}
    for first, last, channel, method, kind, excluded, a, n in rows:
        _add(out, (first, last, channel, method, kind), [0, 0, a, n] if excluded else [a, n, 0, 0])
    return out


def _rolled_units():
    return list(Unit.objects.filter(depth__lt=rollup_depth()).order_by("-depth", "pk").values_list("pk", "path"))


def _within(period: Period | None, prefix: str = "") -> Q:
    if period is None:
        return Q()
    return Q(**{f"{prefix}first_month__gte": period.first, f"{prefix}last_month__lte": period.last})


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _period_sql(period: Period | None, alias: str) -> tuple[str, list]:
    if period is None:
        return "", []
    return f" AND {alias}.first_month >= %s AND {alias}.last_month <= %s", [period.first, period.last]


COUNT_SQL = ("SUM(CASE WHEN {x}.excluded THEN 0 ELSE {x}.amount_fen END), SUM(CASE WHEN {x}.excluded THEN 0 ELSE 1 END), "
             "SUM(CASE WHEN {x}.excluded THEN {x}.amount_fen ELSE 0 END), SUM(CASE WHEN {x}.excluded THEN 1 ELSE 0 END)")


def _rebuild_submission_sums(cursor, period: Period | None) -> None:
    """Every counted submission's sums from its lines: one INSERT … SELECT … GROUP BY, no rows through Python."""
    where, params = _period_sql(period, "s")
    statuses = ", ".join(["%s"] * len(COUNTED_STATUSES))
    cursor.execute(
        f"INSERT INTO {_q(SubmissionSum._meta.db_table)} (submission_id, {', '.join(KEY)}, {', '.join(COUNTS)}) "
        f"SELECT l.submission_id, l.channel_code, l.method, l.consumption_type, {COUNT_SQL.format(x='l')} "
        f"FROM {_q(PurchaseLine._meta.db_table)} l JOIN {_q(Submission._meta.db_table)} s ON s.id = l.submission_id "
        f"WHERE s.status IN ({statuses}){where} "
        f"GROUP BY l.submission_id, l.channel_code, l.method, l.consumption_type",
        [*COUNTED_STATUSES, *params])


def _rebuild_unit_rows(cursor, pk: int, path: str, period: Period | None) -> None:
    """A rolled-up unit's rows from its subtree's submission sums: one INSERT … SELECT … GROUP BY."""
    lo, hi = subtree_bounds(path)
    where, params = _period_sql(period, "s")
    sums = ", ".join(f"SUM(ss.{c})" for c in COUNTS)
    cursor.execute(
        f"INSERT INTO {_q(Rollup._meta.db_table)} (ancestor_id, first_month, last_month, {', '.join(KEY)}, "
        f"{', '.join(COUNTS)}) "
        f"SELECT %s, s.first_month, s.last_month, ss.channel_code, ss.method, ss.consumption_type, {sums} "
        f"FROM {_q(SubmissionSum._meta.db_table)} ss JOIN {_q(Submission._meta.db_table)} s ON s.id = ss.submission_id "
        f"JOIN {_q(Unit._meta.db_table)} u ON u.id = s.unit_id WHERE u.path >= %s AND u.path < %s{where} "
        f"GROUP BY s.first_month, s.last_month, ss.channel_code, ss.method, ss.consumption_type",
        [pk, lo, hi, *params])


def rollup_rebuild(*, period: Period | None = None, progress=None, screened: bool = True) -> int:
    """Re-sum the submissions' sums and every rolled-up unit's rows for the spans lying within `period` (all
    without one), set-based, one unit per transaction. Idempotent; run it again after an interruption. Returns
    units re-summed. A repair: run it when nobody is writing (a write meanwhile may need another run)."""
    with transaction.atomic(), connection.cursor() as cursor:
        SubmissionSum.objects.filter(_within(period, "submission__")).delete()
        _rebuild_submission_sums(cursor, period)
        if screened:  # False only in migrations that run before these tables exist
            screened_rebuild(period)
            months_rebuild()  # whole: one GROUP BY over the reports
    units = _rolled_units()
    for pk, path in units:
        with transaction.atomic(), connection.cursor() as cursor:
            Rollup.objects.filter(_within(period), ancestor_id=pk).delete()
            _rebuild_unit_rows(cursor, pk, path, period)
        if progress:
            progress(1)
    # Rows of units no longer rolled up (moved deeper, or a smaller FUPIN_ROLLUP_DEPTH).
    Rollup.objects.filter(_within(period)).exclude(ancestor__depth__lt=rollup_depth()).delete()
    RollupDirty.objects.filter(_within(period)).delete()
    return len(units)


def rollup_mark(unit_id: int, first_month: date, last_month: date) -> None:
    """Kept for receivers written for the first rollup (marks summed by the next reader). Nothing is left to
    mark now: signals.py applies moves, merges and every ledger change to the rows in the writer's transaction."""


def rollup_flush(**_kwargs) -> int:
    """Marks left by the first rollup (before rows changed with the lines): rebuild once and drop them."""
    marks = RollupDirty.objects.count()
    if marks:
        rollup_rebuild()
    return marks


ROW_DIFFERS = "{where}：{key} 汇总为 {stored}，明细重算为 {fresh}"


def _describe(key: tuple) -> str:
    return "，".join(str(k) if k != "" else "（空）" for k in key)


def rollup_check(*, period: Period | None = None, progress=None, limit: int = 50) -> tuple[int, list[str]]:
    """Compare the stored rows with a fresh sum of the lines. Returns (differences, the first `limit` told)."""
    found, told = 0, []

    def compare(where: str, stored: dict, fresh: dict) -> None:
        nonlocal found
        for key in sorted(set(stored) | set(fresh), key=str):
            a, b = stored.get(key, [0, 0, 0, 0]), fresh.get(key, [0, 0, 0, 0])
            if list(a) != list(b):
                found += 1
                if len(told) < limit:
                    told.append(ROW_DIFFERS.format(where=where, key=_describe(key), stored=list(a), fresh=list(b)))

    stored = {(row[0], *row[1:4]): list(row[4:]) for row in SubmissionSum.objects.filter(
        _within(period, "submission__")).values_list("submission_id", *KEY, *COUNTS)}
    compare("报表合计", stored, _fresh_submission_sums(period))
    for submission_id, was, fresh in screened_check(period):
        found += 1
        if len(told) < limit:
            told.append(ROW_DIFFERS.format(where="剔除合并合计", key=submission_id, stored=was, fresh=fresh))
    for pk, path in _rolled_units():
        rows = Rollup.objects.filter(_within(period), ancestor_id=pk).values_list("first_month", "last_month",
                                                                               *KEY, *COUNTS)
        compare(f"单位 {pk}", {tuple(r[:5]): list(r[5:]) for r in rows}, _fresh_unit_sums(path, period))
        if progress:
            progress(1)
    strays = Rollup.objects.filter(_within(period)).exclude(ancestor__depth__lt=rollup_depth()).count()
    if strays:
        found += strays
        told.append(f"另有 {strays} 行汇总属于不再汇总的下级单位")
    return found, told
