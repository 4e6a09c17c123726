"""Findings on submissions and lines: what the office would otherwise catch by eye.

Findings are computed from the ledger when asked (on demand, in the review queue, and by the submit flow through
`submission_blocking_findings`), so every submission is checked however it arrived. Severities:
错误 blocks submission; 警告 lets the unit submit only with a 上报说明 on the line; 提示 informs. The line
rules that also judge a line entering the ledger share their functions and messages with the validator
(quality/validation.py), so a finding here says what the form and the import said.
"""

from fupin.core.periods import Period
from fupin.quality import rules
from fupin.quality.findings import ERROR, NOTE, WARNING, Finding, line_json
from fupin.quality.lists import lists_current
from fupin.quality.models import StatedTotal
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Submission
from fupin.units import access
from fupin.units.models import Unit

SEVERITIES = (ERROR, WARNING, NOTE)
__all__ = ["Finding", "line_json", "findings_for_period", "findings_for_submission", "submission_blocking_findings"]


class Checker:
    """Holds what every rule shares (classifier, channels, each unit's amount history) across submissions."""

    def __init__(self, *, thresholds: rules.Thresholds | None = None):
        self.thresholds = thresholds or rules.Thresholds.from_settings()
        lists = lists_current()
        self.classifier, self.screen, self.channels = lists.classifier, lists.screen, lists.channels
        self._history: dict[int, list[tuple[int, int]]] = {}
        self._spreads: dict[int, rules.AmountSpread] = {}
        self._stated: dict[int, StatedTotal | None] = {}

    def history_load(self, unit_ids) -> None:
        """Every counted, not excluded amount of these units: the ground a line is compared against."""
        rows = (PurchaseLine.objects.filter(submission__unit_id__in=list(unit_ids), excluded=False,
                                            submission__status__in=COUNTED_STATUSES)
                .values_list("submission__unit_id", "pk", "amount_fen"))
        for unit_id in unit_ids:
            self._history.setdefault(unit_id, [])
        for unit_id, pk, amount in rows:
            self._history[unit_id].append((pk, amount))

    def history(self, unit_id: int) -> list[tuple[int, int]]:
        if unit_id not in self._history:
            self.history_load([unit_id])
        return self._history[unit_id]

    def spread(self, unit_id: int) -> rules.AmountSpread:
        """The unit's amounts, sorted once for this run: every line of the unit is compared against it."""
        if unit_id not in self._spreads:
            self._spreads[unit_id] = rules.AmountSpread(self.history(unit_id))
        return self._spreads[unit_id]

    def stated_load(self, submissions) -> None:
        """The subtotals these reports wrote, in one query."""
        found = {s.submission_id: s for s in StatedTotal.objects.filter(submission__in=[s.pk for s in submissions])}
        for submission in submissions:
            self._stated[submission.pk] = found.get(submission.pk)

    def stated_total(self, submission: Submission) -> StatedTotal | None:
        if submission.pk is None:  # a report not stored yet (a new one going up at once) has stated nothing
            return None
        if submission.pk not in self._stated:
            self.stated_load([submission])
        return self._stated[submission.pk]

    def findings(self, submission: Submission, lines: list[PurchaseLine] | None = None) -> list[Finding]:
        if lines is None:
            lines = list(submission.lines.order_by("position", "pk"))
        counted = [line for line in lines if not line.excluded]
        found: list[Finding] = []
        for rule in rules.LINE_RULES:
            judged = counted
            if rule is rules.amount_outlier:  # the rule still judges every line its unit's quiet band leaves open
                band = self.spread(submission.unit_id).quiet_band(float(self.thresholds.outlier_z))
                if band is not None:
                    low, high = band
                    judged = [line for line in counted if not low <= line.amount_fen <= high]
            for line in judged:
                found += rule(self, submission, line)
        for rule in rules.SUBMISSION_RULES:
            found += rule(self, submission, counted)
        for finding in found:
            finding.submission = submission
        return found


def _order(finding: Finding) -> tuple:
    unit = finding.unit
    return (SEVERITIES.index(finding.severity), unit.path, finding.line.position if finding.line else 0,
            finding.rule)


def findings_for_submission(submission: Submission, *, checker: Checker | None = None,
                            lines: list[PurchaseLine] | None = None) -> list[Finding]:
    """`lines`: the report's lines when the caller has them (a report not stored yet: as it will be stored)."""
    return sorted((checker or Checker()).findings(submission, lines), key=_order)


def findings_for_period(*, period: Period, user=None, statuses=COUNTED_STATUSES, unit: Unit | None = None,
                        thresholds: rules.Thresholds | None = None) -> list[Finding]:
    """Findings on the submissions lying within `period` that `user` may see (all, without a user), of `unit` and
    the units under it when given. One pass: a fixed number of queries, each unit's statistics computed once."""
    submissions = (Submission.objects.filter(first_month__gte=period.first, last_month__lte=period.last,
                                             status__in=statuses)
                   .select_related("unit").order_by("unit__path", "first_month"))
    if user is not None:
        submissions = submissions.filter(access.visible_units_q(user, "unit__"))
    if unit is not None:
        submissions = submissions.filter(unit.subtree_q("unit__"))
    submissions = list(submissions)
    lines: dict[int, list[PurchaseLine]] = {s.pk: [] for s in submissions}
    for line in PurchaseLine.objects.filter(submission__in=submissions).order_by("submission", "position", "pk"):
        lines[line.submission_id].append(line)
    checker = Checker(thresholds=thresholds)
    checker.history_load({s.unit_id for s in submissions})
    checker.stated_load(submissions)
    found = []
    for submission in submissions:
        for line in lines[submission.pk]:
            line.submission = submission
        found += checker.findings(submission, lines[submission.pk])
    return sorted(found, key=_order)


def submission_blocking_findings(submission: Submission, *, checker: Checker | None = None,
                                 lines: list[PurchaseLine] | None = None) -> tuple[list[Finding], list[Finding]]:
    """What stops a report going up: its 错误 findings, and its 警告 findings on lines without a 上报说明."""
    found = findings_for_submission(submission, checker=checker, lines=lines)
    errors = [f for f in found if f.severity == ERROR]
    unexplained = [f for f in found if f.severity == WARNING and f.line is not None
                   and not f.line.explanation.strip()]
    return errors, unexplained
