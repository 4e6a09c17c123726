"""The screening rules. A line rule looks at one counted line; a submission rule at all of a report's lines.

Each returns findings; messages are Chinese sentences a reporter can act on. Rule codes are stable (JSON, tests).
"""

import bisect
import math

from fupin.core.money import wan_display
from fupin.core.text import normalize
from fupin.quality import validation as judged
from fupin.quality.classify import canon
from fupin.quality.consumption import EXPECTED_KINDS, consumption_type_effective
from fupin.quality.findings import Finding
from fupin.quality.models import ChannelNature
from fupin.quality.validation import Thresholds
from fupin.reporting.methods import method_normalize

__all__ = ["Thresholds", "LINE_RULES", "SUBMISSION_RULES", "RULE_NAMES"]

RULE_NAMES = {
    "channel_unclear": "渠道待确认",
    "source_missing": "未填产品来源",
    "method_normalised": "采购方式已规范",
    "method_unclear": "采购方式不明",
    "method_mismatch": "采购方式与渠道不符",
    "duplicate_channel": "同一渠道重复填报",
    "not_consumption": "不属于消费",
    "amount_outlier": "金额异常",
    "amount_yuan_as_wan": "疑似元填入万元列",
    "missing_kind": "缺少消费类型",
    "subtotal_mismatch": "合计与明细不符",
}


def _finding(severity, rule, submission, line, message, **extra):
    return Finding(severity, rule, submission.unit, line, message, rule_name=RULE_NAMES[rule], **extra)


def _row(line) -> str:
    return f"第{line.position}行"


def _names(checker, codes) -> str:
    return "、".join(checker.channels[c].name for c in codes if c in checker.channels)


# -- line rules ----------------------------------------------------------------------------------------------------

def channel_unclear(checker, submission, line):
    if not line.source_text.strip():
        return [_finding("警告", "source_missing", submission, line,
                         f"{_row(line)}未填写产品来源（采购渠道），请补填")]
    return _from_checks(submission, line, judged.channel_checks(checker.classifier, line, fill=False),
                        suggestions=checker.classifier.classify(line.source_text).suggestions
                        if not line.channel_code else [])


def _from_checks(submission, line, checks, **extra):
    """The validator's checks on a stored line, as findings: the same message, with the row in front."""
    return [_finding(c.severity, c.rule, submission, line, f"{_row(line)}{c.message}", **extra) for c in checks]


def method_rules(checker, submission, line):
    text = line.method_text.strip()
    if not line.method:
        what = f"采购方式“{text}”看不出是线上还是线下" if text else "未填写采购方式"
        return [_finding("警告", "method_unclear", submission, line, f"{_row(line)}{what}，请改为“线上”或“线下”")]
    if text and normalize(text) != line.method and method_normalize(text) == line.method:
        return [_finding("提示", "method_normalised", submission, line,
                         f"{_row(line)}采购方式“{text}”已按“{line.method}”登记，请核实")]
    return []


def method_mismatch(checker, submission, line):
    channel = checker.channels.get(line.channel_code)
    if channel is None or not line.method or not channel.nature or channel.nature == line.method:
        return []
    source = line.source_text or channel.name
    if channel.nature == ChannelNature.ONLINE:
        return [_finding("警告", "method_mismatch", submission, line,
                         f"{_row(line)}“{source}”属线上渠道（{channel.name}），采购方式却填为线下：请更正，"
                         "或在上报说明中写明原因")]
    return [_finding("提示", "method_mismatch", submission, line,
                     f"{_row(line)}“{source}”通常在线下购买（{channel.name}），采购方式填为线上，请核实")]


def not_consumption(checker, submission, line):
    return _from_checks(submission, line, judged.not_consumption_checks(checker.screen, line))


def amount_yuan_as_wan(checker, submission, line):
    return _from_checks(submission, line, judged.yuan_as_wan_checks(checker.thresholds, line))


MAD_SCALE = 0.6745  # the modified z-score's: a normal spread's MAD is 0.6745 σ


class AmountSpread:
    """A unit's log10 amounts, sorted once per check run: the median and spread (MAD) of all its lines but one in
    O(log n), so checking N lines costs O(N log N), not O(N²). Equal to statistics.median over the others, float for
    float: removing any one of several equal values leaves the same values."""

    def __init__(self, history: list[tuple[int, int]]):
        self._logs = {pk: math.log10(a) for pk, a in history if a > 0}
        self._sorted = sorted(self._logs.values())
        self._deviations: dict[float, list[float]] = {}  # by median: at most three medians a unit
        self._bands: dict[float, tuple[int, int] | None] = {}  # by z limit

    def others(self, pk) -> int:
        return len(self._sorted) - (pk in self._logs)

    def without(self, pk) -> tuple[float, float]:
        """(median, MAD) of the unit's amounts other than line `pk`'s (all of them if it is not among them)."""
        own = self._logs.get(pk)
        skip = None if own is None else bisect.bisect_left(self._sorted, own)
        median = _median_skipping(self._sorted, skip)
        deviations = self._deviations.get(median)
        if deviations is None:
            deviations = self._deviations[median] = sorted(abs(x - median) for x in self._sorted)
        skip = None if own is None else bisect.bisect_left(deviations, abs(own - median))
        return median, _median_skipping(deviations, skip)

    def quiet_band(self, z_limit: float) -> tuple[int, int] | None:
        """Amounts (fen, inclusive) that no removal of one line can make outliers: whichever line is left out, the
        median moves within [median without the largest, median without the smallest] and the MAD stays at least
        the deviations' median without their largest less that move. A refresh then judges only the lines outside
        the band (the others of a unit's 100,000 need not be read), and a check run skips them; None when no such
        band is sure."""
        if z_limit not in self._bands:
            self._bands[z_limit] = self._quiet_band(z_limit)
        return self._bands[z_limit]

    def _quiet_band(self, z_limit: float) -> tuple[int, int] | None:
        n = len(self._sorted)
        if n < 3:
            return None
        whole = _median_skipping(self._sorted, None)
        low, high = _median_skipping(self._sorted, n - 1), _median_skipping(self._sorted, 0)
        move = max(whole - low, high - whole)
        deviations = sorted(abs(x - whole) for x in self._sorted)
        mad_floor = _median_skipping(deviations, n - 1) - move
        reach = z_limit * mad_floor / MAD_SCALE - move - 1e-9  # the margin: float rounding never widens the band
        if mad_floor <= 0 or reach <= 0:
            return None
        return math.ceil(10 ** (whole - reach) * (1 + 1e-12)), math.floor(10 ** (whole + reach) * (1 - 1e-12))


def _median_skipping(values: list[float], skip: int | None) -> float:
    """statistics.median of sorted `values` without the one at index `skip`."""
    n = len(values) - (skip is not None)

    def at(k):
        return values[k + 1] if skip is not None and k >= skip else values[k]

    return at(n // 2) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2


def amount_outlier(checker, submission, line):
    """Modified z-score of log10(amount) against the unit's other amounts: robust to the outliers it hunts."""
    if line.amount_fen <= 0 or line.amount_fen >= checker.thresholds.yuan_suspect_fen:
        return []
    spread = checker.spread(submission.unit_id)
    if spread.others(line.pk) < checker.thresholds.outlier_min_history:
        return []
    median, mad = spread.without(line.pk)
    if mad == 0:
        return []
    z = MAD_SCALE * (math.log10(line.amount_fen) - median) / mad
    if abs(z) <= float(checker.thresholds.outlier_z):
        return []
    usual = wan_display(round(10 ** median))
    way = "远高于" if z > 0 else "远低于"
    return [_finding("警告", "amount_outlier", submission, line,
                     f"{_row(line)}金额{wan_display(line.amount_fen)}万元{way}本单位以往明细（中位数约{usual}万元），"
                     f"请核实金额和单位，或在上报说明中写明原因")]


LINE_RULES = [not_consumption, channel_unclear, method_rules, method_mismatch, amount_yuan_as_wan, amount_outlier]


# -- submission rules ----------------------------------------------------------------------------------------------

ROWS_NAMED = 10


def _rows_named(lines) -> str:
    """第1行、第4行…: at most ten rows named, then how many more, so a group of thousands stays one short sentence."""
    named = "、".join(_row(line) for line in lines[:ROWS_NAMED])
    return named if len(lines) <= ROWS_NAMED else f"{named}等{len(lines)}行"


def duplicate_channel(checker, submission, lines):
    """The circular asks units to merge the same (or similar) items: one channel, one product, one line.
    The same text twice is plainly a duplicate (警告); one standard channel written two ways may be merged (提示)."""
    groups: dict[tuple, list] = {}
    for line in lines:
        channel = line.channel_code or ("?" + canon(line.source_text))
        if channel == "?":
            continue
        groups.setdefault((channel, canon(line.product)), []).append(line)
    found = []
    for (channel, _), same in groups.items():
        if len(same) < 2:
            continue
        name = checker.channels[channel].name if channel in checker.channels else same[0].source_text
        rows = _rows_named(same)
        product = f"（{same[0].product}）" if same[0].product else ""
        identical = len({canon(line.source_text) for line in same}) == 1
        related = [other.pk for other in same]  # one list for the group: a pushed city's lines make big groups
        if identical:
            severity, message = "警告", f"{rows}重复填报“{same[0].source_text}”{product}，应合并为一行"
        else:
            texts = "、".join(dict.fromkeys(f"“{line.source_text}”" for line in same))
            severity, message = "提示", f"{rows}的{texts}同属标准渠道“{name}”{product}，可合并为一行"
        for line in same:
            found.append(_finding(severity, "duplicate_channel", submission, line,
                                  message + "（市总可在审核队列中合并）", related=related))
    return found


def missing_kind(checker, submission, lines):
    if submission.is_zero_report or not lines:
        return []
    kinds = {consumption_type_effective(line) for line in lines}
    missing = [kind for kind in EXPECTED_KINDS if kind not in kinds]
    if not missing:
        return []
    return [_finding("提示", "missing_kind", submission, None,
                     f"未报{'、'.join(missing)}：通报要求将其纳入统计，如确实没有可不填")]


def subtotal_mismatch(checker, submission, lines):
    stated = checker.stated_total(submission)
    if stated is None:
        return []
    actual = sum(line.amount_fen for line in lines)
    if wan_display(stated.amount_fen) == wan_display(actual):
        return []
    return [_finding("提示", "subtotal_mismatch", submission, None,
                     f"填报的合计{wan_display(stated.amount_fen)}万元与明细之和{wan_display(actual)}万元不符，"
                     "以明细为准")]


SUBMISSION_RULES = [duplicate_channel, subtotal_mismatch, missing_kind]
