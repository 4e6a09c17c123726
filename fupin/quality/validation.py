"""Quality's part of the one line validator (fupin.reporting.validation): what a line means. Registered as a judge at
app ready, so that the web form, the import and the API get these checks with the ledger's own; the findings on
stored lines (rules.py) use the same functions and messages, with the row in front.

- not consumption: the office's list of words and patterns (NonConsumptionWord, with reasons and exceptions);
- 元 typed into the 万元 column: an amount at or above the suspicion threshold;
- the channel: filled in when the classifier is sure, else a 提示 for the office (saying so when the text names two
  channels).
"""

import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from fupin.core.money import FEN_PER_WAN, wan_display
from fupin.core.text import normalize
from fupin.quality.classify import Classifier, simplified
from fupin.quality.consumption import consumption_type_infer
from fupin.quality.models import NonConsumptionWord
from fupin.reporting.validation import NOTE, WARNING, Check

NOT_CONSUMPTION = ("{label}“{value}”含“{word}”：{reason}，可能不属于消费扶贫。确属消费扶贫的请在上报说明中写明，"
                   "否则由市总剔除（不计入统计）")
YUAN_AS_WAN = "金额{amount}万元异常大，是否把“元”填进了“万元”列？若单位是元，应为{as_yuan}万元"
CHANNEL_UNCLEAR = "产品来源“{text}”不能确定归入哪个标准渠道，待市总审核{hint}"
CHANNEL_SEVERAL = ("产品来源“{text}”同时写了{names}几个渠道，一行只应填一个渠道：请拆成几行分别填写，"
                   "或待市总审核归入其一")
HITS_KEPT = 50_000  # answers a screen keeps; it lives as long as the office's list does, so it is bounded
SCREENED_FIELDS = (("product", "product", "产品名称"), ("source_text", "source", "产品来源"), ("note", "note", "备注"))


@dataclass(frozen=True)
class Thresholds:
    outlier_z: Decimal = Decimal("3.5")  # modified z-score (Iglewicz & Hoaglin) on log amounts
    outlier_min_history: int = 8  # fewer of the unit's own amounts say nothing about what is usual
    yuan_suspect_fen: int = 1000 * FEN_PER_WAN  # 1000万元 in one line is 元 typed into the 万元 column

    @classmethod
    def from_settings(cls) -> "Thresholds":
        """From Django settings, else the environment (FUPIN_OUTLIER_Z=3.0), else the defaults above."""
        return cls(outlier_z=Decimal(_setting("FUPIN_OUTLIER_Z", "3.5")),
                   outlier_min_history=int(_setting("FUPIN_OUTLIER_MIN_HISTORY", "8")),
                   yuan_suspect_fen=int(Decimal(_setting("FUPIN_YUAN_SUSPECT_WAN", "1000")) * FEN_PER_WAN))


def _setting(name: str, default: str) -> str:
    value = str(getattr(settings, name, os.environ.get(name, default))).strip()
    try:
        Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} 应为数字，而不是“{value}”") from None
    return value


@dataclass(frozen=True)
class _Word:
    word: str
    reason: str
    exceptions: tuple[str, ...]
    pattern: re.Pattern | None

    def found_in(self, text: str) -> str | None:
        """The words of `text` that hit, or None (also when an exception is present)."""
        if self.pattern is not None:
            match = self.pattern.search(text)
            hit = match.group() if match else None
        else:
            hit = self.word if self.word in text else None
        if hit and any(e in text for e in self.exceptions):
            return None
        return hit


class NonConsumptionScreen:
    """The office's active words, loaded once; longer words first, so that 会议费 names itself before 会议."""

    def __init__(self):
        words = []
        for row in NonConsumptionWord.objects.filter(active=True):
            try:
                pattern = re.compile(row.word) if row.is_pattern else None
            except re.error:
                continue  # the page refuses a bad pattern; one that slipped in must not stop every import
            key = row.word if row.is_pattern else _text(row.word)
            exceptions = tuple(_text(e) for e in row.exceptions.split("|") if e.strip())
            words.append(_Word(key, row.reason, exceptions, pattern))
        self.words = sorted(words, key=lambda w: -len(w.word))
        self._hits: dict[tuple, tuple | None] = {}  # by the three texts: a file repeats its products and sources

    def hit(self, line) -> tuple[str, str, str, str, str] | None:
        """(field, label, value, word, reason) of the first hit in the product, source or note."""
        key = tuple(getattr(line, attribute, "") or "" for attribute, _, _ in SCREENED_FIELDS)
        if key not in self._hits:
            if len(self._hits) >= HITS_KEPT:
                self._hits.clear()
            self._hits[key] = self._hit(line)
        return self._hits[key]

    def _hit(self, line) -> tuple[str, str, str, str, str] | None:
        for attribute, field, label in SCREENED_FIELDS:
            value = getattr(line, attribute, "") or ""
            text = _text(value)
            if not text:
                continue
            for word in self.words:
                found = word.found_in(text)
                if found:
                    return field, label, value, found, word.reason
        return None


def _text(value: str) -> str:
    return simplified(normalize(value))


def not_consumption_checks(screen: NonConsumptionScreen, line) -> list[Check]:
    hit = screen.hit(line)
    if hit is None:
        return []
    field, label, value, word, reason = hit
    return [Check(WARNING, "not_consumption", field,
                  NOT_CONSUMPTION.format(label=label, value=value, word=word, reason=reason))]


def yuan_as_wan_checks(thresholds: Thresholds, line) -> list[Check]:
    if line.amount_fen < thresholds.yuan_suspect_fen:
        return []
    return [Check(WARNING, "amount_yuan_as_wan", "amount",
                  YUAN_AS_WAN.format(amount=wan_display(line.amount_fen), as_yuan=wan_display(line.amount_fen // 10000)))]


def channel_checks(classifier: Classifier, line, *, fill: bool) -> list[Check]:
    """A 提示 when the channel is not certain; with `fill`, a certain channel is written into the line."""
    text = line.source_text.strip()
    if not text or line.channel_code:
        return []
    answer = classifier.classify(text)
    if answer.code and not answer.needs_review:
        if fill:
            line.channel_code = answer.code
        return []
    names = "、".join(f"“{classifier.names[c]}”" for c in answer.several if c in classifier.names)
    if len(answer.several) >= 2 and names:
        message = CHANNEL_SEVERAL.format(text=text, names=names)
    else:
        hint = "、".join(classifier.names[c] for c in answer.suggestions if c in classifier.names)
        message = CHANNEL_UNCLEAR.format(text=text, hint=f"，建议归入：{hint}" if hint else "")
    return [Check(NOTE, "channel_unclear", "source", message)]


def consumption_type_fill(line) -> None:
    """The consumption type the words suggest, written into a line that gives none: what
    `services.submission_defaults_fill` would write after the store, so that it finds nothing to change (one audited
    UPDATE a line, on deadline day)."""
    if not line.consumption_type:
        line.consumption_type = consumption_type_infer(product=line.product, source=line.source_text, note=line.note)


class LineJudge:
    """The judge the reporting validator calls for each line entering the ledger. It fills in the channel it is
    sure of; the consumption type too when the validator asks (`defaults_fill`). Built with the screen and the
    classifier of the moment (lists.lists_current)."""

    def __init__(self, screen: NonConsumptionScreen, classifier: Classifier):
        self.screen, self.classifier = screen, classifier
        self.thresholds = Thresholds.from_settings()

    def __call__(self, line) -> list[Check]:
        return (not_consumption_checks(self.screen, line) + yuan_as_wan_checks(self.thresholds, line)
                + channel_checks(self.classifier, line, fill=True))

    def defaults_fill(self, line) -> None:
        """Asked by a validator built with `fill_defaults` (the month form), whose lines would otherwise be filled
        by `submission_defaults_fill` right after they are stored."""
        consumption_type_fill(line)
