"""Reads of the quality app: the taxonomy as shown, the office's review queue."""

from dataclasses import dataclass, field

from fupin.core.periods import Period
from fupin.quality.checks import findings_for_period
from fupin.quality.classify import Classifier
from fupin.quality.findings import Finding
from fupin.quality.models import Channel
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.units import access


def channels_with_words() -> list[tuple[Channel, list[str], list[str]]]:
    channels = Channel.objects.prefetch_related("aliases", "keywords")
    return [(c, [a.text for a in c.aliases.all()], [k.word for k in c.keywords.all()]) for c in channels]


@dataclass
class WaitingLine:
    line: PurchaseLine
    suggestions: list[tuple[str, str]]  # (code, name), best first
    best: str | None
    several: list[str] = field(default_factory=list)  # names of the channels the text names at once


@dataclass
class ReviewQueue:
    period: Period
    waiting: list[WaitingLine] = field(default_factory=list)  # no channel yet
    duplicates: list[list[PurchaseLine]] = field(default_factory=list)  # groups the office may merge
    findings: list[Finding] = field(default_factory=list)  # every other finding
    missing_kinds: list[Finding] = field(default_factory=list)  # one a unit: shown together, they are many
    excluded: list[PurchaseLine] = field(default_factory=list)

    @property
    def excluded_fen(self) -> int:
        return sum(line.amount_fen for line in self.excluded)


def _within(period: Period, user):
    lines = PurchaseLine.objects.filter(
        submission__first_month__gte=period.first, submission__last_month__lte=period.last,
        submission__status__in=COUNTED_STATUSES).select_related("submission__unit")
    if user is not None:
        lines = lines.filter(access.visible_units_q(user, "submission__unit__"))
    return lines.order_by("submission__unit__path", "submission__first_month", "position", "pk")


def review_queue(*, period: Period, user) -> ReviewQueue:
    """Lines waiting for a channel (with suggestions), duplicate groups, the other findings, excluded lines."""
    queue = ReviewQueue(period=period)
    classifier = Classifier()
    for line in _within(period, user).filter(channel_code="", excluded=False):
        answer = classifier.classify(line.source_text)
        queue.waiting.append(WaitingLine(line, [(c, classifier.names.get(c, c)) for c in answer.suggestions],
                                         answer.code, [classifier.names.get(c, c) for c in answer.several]))
    seen: set[tuple] = set()
    for finding in findings_for_period(period=period, user=user):
        if finding.rule == "channel_unclear":
            continue
        if finding.rule == "missing_kind":
            queue.missing_kinds.append(finding)
            continue
        if finding.rule == "duplicate_channel":
            group = tuple(sorted(finding.related))
            if group not in seen:
                seen.add(group)
                queue.duplicates.append(sorted(PurchaseLine.objects.filter(pk__in=group)
                                               .select_related("submission__unit"), key=lambda x: x.position))
            continue
        queue.findings.append(finding)
    queue.excluded = list(_within(period, user).filter(excluded=True))
    return queue
