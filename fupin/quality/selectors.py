"""Reads of the quality app: the taxonomy as shown, the office's review queue."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, Sum
from django.utils.functional import cached_property

from fupin.core.periods import Period
from fupin.quality.findings import Finding
from fupin.quality.lists import classifier_current
from fupin.quality.models import Channel, ReviewItem
from fupin.quality.stored import stale_refresh
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.units import access
from fupin.units.models import Unit, subtree_bounds

Section = ReviewItem.Section
LINE_SECTIONS = (Section.WAITING, Section.EXCLUDED)  # lines, in the ledger's order; the others are findings


def channels_with_words() -> list[tuple[Channel, list[str], list[str]]]:
    channels = Channel.objects.prefetch_related("aliases", "keywords")
    return [(c, [a.text for a in c.aliases.all()], [k.word for k in c.keywords.all()]) for c in channels]


@dataclass
class WaitingLine:
    line: PurchaseLine
    suggestions: list[tuple[str, str]]  # (code, name), best first
    best: str | None
    several: list[str] = field(default_factory=list)  # names of the channels the text names at once

    @property
    def selected(self) -> str:
        """The channel the confirm form offers first."""
        return self.best or (self.suggestions[0][0] if self.suggestions else "")


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


def _items(period: Period, user, filters: ReviewFilters, section: str):
    """A section's stored items within the period, the filters and what `user` may see, in the queue's order."""
    statuses = (filters.status,) if filters.status else COUNTED_STATUSES
    items = ReviewItem.objects.filter(section=section, first_month__gte=period.first, last_month__lte=period.last,
                                      status__in=statuses)
    if user is not None:
        items = items.filter(access.visible_units_q(user, "unit__"))
    if filters.unit is not None:
        low, high = subtree_bounds(filters.unit.path)
        items = items.filter(unit_path__gte=low, unit_path__lt=high)
    if section in LINE_SECTIONS:
        return items.order_by("unit_path", "first_month", "position", "line_id")
    if filters.rule:
        items = items.filter(rule=filters.rule)
    if filters.severity:
        items = items.filter(severity=filters.severity)
    return items.order_by("severity_rank", "unit_path", "position", "rule", "first_month", "line_id")


COUNT_CAP = 10_000  # a section counts at most this many items, so its count is bounded too; beyond, "10000+"


class CappedPaginator(Paginator):
    """Counts a query's rows up to COUNT_CAP (COUNT over a LIMIT): `capped` says there are more."""

    capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        found = self.object_list[:COUNT_CAP + 1].count()
        self.capped = found > COUNT_CAP
        return min(found, COUNT_CAP)


def _page(items, pages: dict, name: str) -> Page:
    return CappedPaginator(items, PAGE_SIZE).get_page(pages.get(name))


def _lines_of(page: Page) -> list[PurchaseLine]:
    return [item.line for item in page.object_list]


def review_queue(*, period: Period, user, filters: ReviewFilters | None = None, pages: dict | None = None
                 ) -> ReviewQueue:
    """Lines waiting for a channel (with suggestions), duplicate groups, the other findings, excluded lines: each
    filtered and paged (`pages` maps a section's name to its page number) from the stored items
    (quality/stored.py), so a page reads at most PAGE_SIZE rows a section and its queries do not grow with the
    ledger."""
    filters, pages = filters or ReviewFilters(), pages or {}
    stale_refresh()  # normally nothing: the writes refreshed their reports as they committed
    shows_lines = filters.rule in LINE_SECTIONS_RULES and not filters.severity
    shows_excluded = not filters.rule and not filters.severity
    none = ReviewItem.objects.none()
    with_line = ("unit", "line__submission__unit")
    waiting = _page(_items(period, user, filters, Section.WAITING).select_related(*with_line) if shows_lines
                    else none, pages, "waiting")
    classifier = classifier_current()
    shown = []
    for line in _lines_of(waiting):  # only the page's lines are classified
        answer = classifier.classify(line.source_text)
        shown.append(WaitingLine(line, [(c, classifier.names.get(c, c)) for c in answer.suggestions],
                                 answer.code, [classifier.names.get(c, c) for c in answer.several]))
    waiting.object_list = shown
    duplicates = _page(_items(period, user, filters, Section.DUPLICATES)
                       if filters.rule in ("", "duplicate_channel") else none, pages, "duplicates")
    grouped = {line.pk: line for line in PurchaseLine.objects.filter(
        pk__in=[pk for item in duplicates.object_list for pk in item.related]).select_related("submission__unit")}
    duplicates.object_list = [sorted((grouped[pk] for pk in item.related if pk in grouped),
                                     key=lambda x: x.position) for item in duplicates.object_list]
    findings = _page(_items(period, user, filters, Section.FINDINGS).select_related(*with_line)
                     if filters.rule not in ("channel_unclear", "duplicate_channel", "missing_kind") else none,
                     pages, "findings")
    kinds = _page(_items(period, user, filters, Section.MISSING_KINDS).select_related("unit")
                  if filters.rule in ("", "missing_kind") else none, pages, "missing_kinds")
    excluded_items = _items(period, user, filters, Section.EXCLUDED) if shows_excluded else none
    excluded = _page(excluded_items.select_related(*with_line), pages, "excluded")
    excluded.object_list = _lines_of(excluded)
    return ReviewQueue(
        period=period, filters=filters, waiting=waiting, duplicates=duplicates, findings=findings,
        missing_kinds=kinds, excluded=excluded,
        excluded_fen=excluded_items.aggregate(total=Sum("amount_fen"))["total"] or 0,
        shows_lines=shows_lines, shows_excluded=shows_excluded)
