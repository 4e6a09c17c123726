"""Re-sums deferred to the end of a batch of writes in one transaction (an import storing many files).

Outside a batch, every report saved re-sums its rollup rows and its unit's reported months at once (signals.py):
five to eight queries a report, most of an import of small unit files. Within `resyncs_deferred()`, the reports
are only noted, and at its end they are re-summed together, in a fixed number of queries a step
(rollup.submissions_resync, reported_months.months_resync_many), still inside the transaction, before it commits.
A re-sum makes the figures what the lines and statuses say then, so it is right whatever happened in between (a
file's savepoint rolled back, a report replaced twice).
"""

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.db import connection

from fupin.insights import reported_months, rollup

NOT_IN_TRANSACTION = "resyncs_deferred() must run inside the transaction of the writes it defers"


@dataclass
class _Batch:
    submissions: set[int] = field(default_factory=set)
    unit_years: set[tuple[int, int]] = field(default_factory=set)


_state = threading.local()


def _batch() -> _Batch | None:
    return getattr(_state, "batch", None)


@contextmanager
def resyncs_deferred():
    if _batch() is not None:  # nested: the outer block re-sums
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)
    batch = _state.batch = _Batch()
    try:
        yield
    finally:
        _state.batch = None
    # Reached only when the block succeeded: a failed one is being rolled back, figures and all.
    rollup.submissions_resync(batch.submissions)
    reported_months.months_resync_many(batch.unit_years)


def submission_resync(submission_id: int) -> None:
    """Re-sum the submission now, or at the batch's end."""
    if (batch := _batch()) is not None:
        batch.submissions.add(submission_id)
    else:
        rollup.submission_resync(submission_id)


def fresh_submission_add(submission, lines) -> None:
    """A counted report created in this transaction with these lines (all it has): summed from them, or at the
    batch's end."""
    if (batch := _batch()) is not None:
        batch.submissions.add(submission.pk)
    else:
        rollup.fresh_submission_add(submission, lines)


def month_add(unit_id: int, month: date) -> None:
    """A new counted report of the unit for this one month."""
    if (batch := _batch()) is not None:
        batch.unit_years.add((unit_id, month.year))
    else:
        reported_months.month_add(unit_id, month)


def months_resync(unit_id: int, year: int) -> None:
    if (batch := _batch()) is not None:
        batch.unit_years.add((unit_id, year))
    else:
        reported_months.months_resync(unit_id, year)
