"""Reads of the quality app: the taxonomy as shown, the office's review queue."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Sum

from fupin.core.periods import Period
from fupin.quality.checks import findings_for_period
from fupin.quality.classify import Classifier
from fupin.quality.findings import Finding
from fupin.quality.models import Channel
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.units import access
from fupin.units.models import Unit


def channels_with_words() -> list[tuple[Channel, list[str], list[str]]]:
    channels = Channel.objects.prefetch_related("aliases", "keywords")
    return [(c, [a.text for a in c.aliases.all()], [k.word for k in c.keywords.all()]) for c in channels]


@dataclass
class WaitingLine:
    line: PurchaseLine
    suggestions: list[tuple[str, str]]  # (code, name), best first
    best: str | None
    several: list[str] = field(default_factory=list)  # names of the channels the text names at once


PAGE_SIZE = 50  # items a section of the review queue shows at once, whatever the ledger's size
LINE_SECTIONS_RULES = ("", "channel_unclear", "source_missing")  # the rule filters under which waiting lines show


@dataclass
class ReviewFilters:
    """What the office narrows the queue to: a unit (with the units under it), a rule, a severity, a report status."""

    unit: Unit | None = None
    rule: str = ""
    severity: str = ""
    status: str = ""

    def keeps(self, finding: Finding) -> bool:
        return (not self.rule or finding.rule == self.rule) and (not self.severity or finding.severity == self.severity)


@dataclass
class ReviewQueue:
    """Each section a page (django.core.paginator.Page) of at most PAGE_SIZE items; `.paginator.count` is its size."""

    period: Period
    filters: ReviewFilters
    waiting: Page  # WaitingLine: no channel yet
    duplicates: Page  # groups (lists of lines) the office may merge
    findings: Page  # every other finding
    missing_kinds: Page  # one a unit: shown together, they are many
    excluded: Page  # excluded lines
    excluded_fen: int
    shows_lines: bool  # the waiting and excluded lines: hidden when the filter asks for findings of another kind
    shows_excluded: bool


def _within(period: Period, user, filters: ReviewFilters):
    statuses = (filters.status,) if filters.status else COUNTED_STATUSES
    lines = PurchaseLine.objects.filter(
        submission__first_month__gte=period.first, submission__last_month__lte=period.last,
        submission__status__in=statuses).select_related("submission__unit")
    if user is not None:
        lines = lines.filter(access.visible_units_q(user, "submission__unit__"))
    if filters.unit is not None:
        lines = lines.filter(filters.unit.subtree_q("submission__unit__"))
    return lines.order_by("submission__unit__path", "submission__first_month", "position", "pk")


def _page(items, pages: dict, name: str) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(pages.get(name))


def review_queue(*, period: Period, user, filters: ReviewFilters | None = None, pages: dict | None = None
                 ) -> ReviewQueue:
    """Lines waiting for a channel (with suggestions), duplicate groups, the other findings, excluded lines: each
    filtered and paged (`pages` maps a section's name to its page number), so a page is bounded by PAGE_SIZE and
    its queries do not grow with the ledger."""
    filters, pages = filters or ReviewFilters(), pages or {}
    statuses = (filters.status,) if filters.status else COUNTED_STATUSES
    duplicates, groups, others, kinds = {}, {}, [], []
    for finding in findings_for_period(period=period, user=user, statuses=statuses, unit=filters.unit):
        if finding.rule == "channel_unclear" or not filters.keeps(finding):
            continue
        if finding.rule == "missing_kind":
            kinds.append(finding)
        elif finding.rule == "duplicate_channel":
            duplicates[finding.line.pk] = finding.line  # each line of a group has its finding
            groups.setdefault(tuple(sorted(finding.related)), None)
        else:
            others.append(finding)
    merged = [sorted((duplicates[pk] for pk in group), key=lambda x: x.position) for group in groups]
    shows_lines = filters.rule in LINE_SECTIONS_RULES and not filters.severity
    shows_excluded = not filters.rule and not filters.severity
    within = _within(period, user, filters)
    waiting = _page(within.filter(channel_code="", excluded=False) if shows_lines else PurchaseLine.objects.none(),
                    pages, "waiting")
    classifier = Classifier()
    shown = []
    for line in waiting.object_list:  # only the page's lines are classified
        answer = classifier.classify(line.source_text)
        shown.append(WaitingLine(line, [(c, classifier.names.get(c, c)) for c in answer.suggestions],
                                 answer.code, [classifier.names.get(c, c) for c in answer.several]))
    waiting.object_list = shown
    excluded = within.filter(excluded=True) if shows_excluded else PurchaseLine.objects.none()
    return ReviewQueue(
        period=period, filters=filters, waiting=waiting, duplicates=_page(merged, pages, "duplicates"),
        findings=_page(others, pages, "findings"), missing_kinds=_page(kinds, pages, "missing_kinds"),
        excluded=_page(excluded, pages, "excluded"),
        excluded_fen=excluded.aggregate(total=Sum("amount_fen"))["total"] or 0,
        shows_lines=shows_lines, shows_excluded=shows_excluded)
