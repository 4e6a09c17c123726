"""A refresh's checks take shortcuts (issue 16): the stored lines are read as plain tuples (stored._Line), not model
objects; the outlier rule skips the lines inside their unit's quiet band; the consumption type a line's words suggest
is remembered by those words. Pinned here: on a report where every rule fires, the stored items are, in content and
order, what each rule says when run plainly on every counted model line."""

from types import SimpleNamespace

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.quality import consumption, rules
from fupin.quality.checks import Checker
from fupin.quality.models import ReviewItem
from fupin.quality.services import stated_total_record
from fupin.quality.stored import _Line, groups_filled, items_rebuild, stale_refresh
from fupin.quality.validation import SCREENED_FIELDS
from fupin.reporting import exclusions
from fupin.reporting.models import ConsumptionType, Status
from fupin.reporting.services import LineInput, submission_create
from fupin.units.selectors import unit_find

Section = ReviewItem.Section
UNIT = "卫东区"


def _line(amount, source="农户", method="线下", product="小米", **kw):
    from fupin.quality.classify import Classifier
    from fupin.reporting.methods import method_normalize

    return LineInput(amount_fen=wan_to_fen(amount), source_text=source, method_text=method,
                     method=method_normalize(method), product=product,
                     channel_code=Classifier().code_for(source) if source else "", **kw)


def _report(period, lines):
    return submission_create(unit=unit_find(UNIT), period=Period.parse(period), lines=lines, by=None,
                             status=Status.SUBMITTED)


def every_rule_report():
    """Two months of ordinary amounts (the unit's history), then a month where every rule finds something."""
    for month, base in (("2020-11", 100), ("2020-12", 130)):
        _report(month, [_line(f"{(base + 7 * i) / 100:.2f}", product=f"品{month}{i}") for i in range(15)])
    report = _report("2021-01", [
        _line("1.3", product="挂面"),
        _line("260", product="大米"),  # far above the unit's history
        _line("3500", product="面粉"),  # 元 typed into the 万元 column
        _line("1.1", method="邮寄", product="菜籽油"),  # method unclear
        _line("1.2", method="", source="合作社", product="花生"),  # no method at all
        _line("1.4", method="线上线上", source="832平台", product="茶叶"),  # method normalised
        _line("1.5", source="扶贫超市", method="线上", product="木耳"),  # offline channel bought online
        _line("1.6", source="国家电网“爱如电”平台", method="线下", product="核桃"),  # online channel, offline
        _line("1.2", product="扶贫捐款"),  # not consumption
        _line("1.3", source="", product="红枣"),  # no source
        _line("1.4", source="扶贫产品", product="蜂蜜"),  # channel unclear
        _line("1.5", source="合作社、带贫企业", product="粉条"),  # two channels at once
        _line("1.2", product="香菇"), _line("1.3", product="香菇"),  # a plain duplicate
        _line("1.1", source="832平台", method="线上", product="山药"),
        _line("1.2", source="扶贫832平台", method="线上", product="山药"),  # one channel written two ways
        _line("1.3", source="乡村游", product="民宿"),  # an inferred kind
        _line("1.4", product="慰问金"),  # to be excluded
    ])
    stated_total_record(submission=report, amount_fen=wan_to_fen("1"), by=None)  # differs from the lines
    exclusions.line_exclude(line=report.lines.get(product="慰问金"), by=None, reason="核实后不属于消费")
    return report


def plainly(report) -> list[tuple]:
    """Each rule on every counted model line, no band, no remembered kinds: what the items must hold, in order."""
    checker = Checker()
    lines = list(report.lines.order_by("position", "pk"))
    counted = [line for line in lines if not line.excluded]
    found = [f for rule in rules.LINE_RULES for line in counted for f in rule(checker, report, line)]
    found += [f for rule in rules.SUBMISSION_RULES for f in rule(checker, report, counted)]
    return [(f.rule, f.severity, f.line.pk if f.line else None, f.line.position if f.line else 0,
             f.line.amount_fen if f.line else 0, f.message, f.suggestions, f.related) for f in found]


def stored(report) -> list[tuple]:
    """The report's findings as the stored items give them back (a group's other lines given their group's list)."""
    items = groups_filled(list(ReviewItem.objects.filter(submission=report)
                               .exclude(section__in=[Section.WAITING, Section.EXCLUDED]).order_by("pk")))
    return [(i.rule, i.severity, i.line_id, i.position, i.amount_fen, i.message, i.suggestions, i.related)
            for i in items]


def test_stored_items_are_each_rule_run_plainly_on_every_line(seeded):
    report = every_rule_report()
    stale_refresh()
    want = plainly(report)
    assert {row[0] for row in want} == set(rules.RULE_NAMES), "every rule fires once at least"
    assert stored(report) == want

    # the band did spare lines here, so the skip is exercised, not merely allowed
    checker = Checker()
    low, high = checker.spread(report.unit_id).quiet_band(float(checker.thresholds.outlier_z))
    assert sum(low <= line.amount_fen <= high for line in report.lines.all()) >= 10

    items_rebuild()  # the repair shares the refresh's checks
    assert stored(report) == want


def test_a_refresh_line_carries_every_field_the_screen_reads():
    # the screen reads them with getattr(…, "") and would silently see an empty text
    assert {attribute for attribute, _, _ in SCREENED_FIELDS} <= set(_Line._fields)
    # NonConsumptionScreen.hit spells its cache key out: a field screened but missing from it would share answers
    assert [attribute for attribute, _, _ in SCREENED_FIELDS] == ["product", "source_text", "note"]


def test_the_remembered_consumption_type_is_the_words_own():
    """Asked in any order and again, each answer is the one for these very texts (the memo is keyed by all three)."""
    asked = [("小米", "农户", "", ConsumptionType.UNIT_PURCHASE), ("职工疗休养", "农户", "", ConsumptionType.SANATORIUM),
             ("小米", "农户", "劳模助力", ConsumptionType.MODEL_WORKER), ("民宿", "乡村游", "", ConsumptionType.PERSONAL),
             ("小米", "食堂", "", ConsumptionType.CANTEEN), ("小米", "农户", "", ConsumptionType.UNIT_PURCHASE)]
    for _ in range(2):
        for product, source, note, kind in asked + asked[::-1]:
            assert consumption.consumption_type_infer(product=product, source=source, note=note) == kind
            line = SimpleNamespace(consumption_type="", product=product, source_text=source, note=note)
            assert consumption.consumption_type_effective(line) == kind
            line.consumption_type = ConsumptionType.OTHER  # what the line says wins
            assert consumption.consumption_type_effective(line) == ConsumptionType.OTHER
