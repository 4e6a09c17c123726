"""Writes of the quality app: the office's channel decisions, defaults filled into lines, stated subtotals.

Changes to lines go through `fupin.reporting.services.line_update` (or `reporting.exclusions`), which audit them.
"""

import re

from django.db import DatabaseError, transaction
from django.db.models import Q

from fupin.core.errors import UserError
from fupin.quality.classify import canon
from fupin.quality.consumption import consumption_type_infer
from fupin.quality.lists import classifier_current
from fupin.quality.models import Channel, ChannelAlias, NonConsumptionWord, StatedTotal
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Status, Submission
from fupin.reporting.services import line_update

CHANNEL_UNKNOWN = "没有代码为“{code}”的在用标准渠道"
SOURCE_EMPTY = "第{n}行没有填写产品来源，无法据此确认渠道"
WORD_EMPTY = "请填写关键词"
WORD_REASON_EMPTY = "请写明原因：填报单位会看到它，据此决定剔除还是写上报说明"
WORD_EXISTS = "关键词“{word}”已在清单中；如已停用，请在清单中重新启用"
WORD_PATTERN_BAD = "正则表达式“{word}”写错了：{error}"


def alias_confirm(*, text: str, code: str, by) -> ChannelAlias:
    """The office says `text` means channel `code`: the text becomes an alias, so it is never asked again."""
    channel = Channel.objects.filter(code=code, active=True).first()
    if channel is None:
        raise UserError(CHANNEL_UNKNOWN.format(code=code))
    alias = ChannelAlias.objects.filter(text=text).first() or next(
        (a for a in ChannelAlias.objects.all() if canon(a.text) == canon(text)), None)
    if alias is None:
        alias = ChannelAlias(text=text)
    elif alias.channel_id == channel.pk and alias.origin == ChannelAlias.Origin.OFFICE:
        return alias
    alias.channel, alias.origin = channel, ChannelAlias.Origin.OFFICE
    alias._history_user = by
    alias._change_reason = "市总确认渠道"
    alias.save()
    return alias


def channel_confirm(*, line: PurchaseLine, code: str, by) -> int:
    """Set the line's channel and remember its text; lines still waiting with the same text follow. Returns how
    many lines got the channel."""
    if not line.source_text.strip():
        raise UserError(SOURCE_EMPTY.format(n=line.position))
    with transaction.atomic():
        alias_confirm(text=line.source_text, code=code, by=by)
        key = canon(line.source_text)
        waiting = [line] + [other for other in PurchaseLine.objects.filter(channel_code="", excluded=False)
                            .exclude(pk=line.pk).only("pk", "source_text") if canon(other.source_text) == key]
        for each in waiting:
            line_update(line=each, by=by, reason=f"市总确认渠道：{line.source_text} → {code}", channel_code=code)
    return len(waiting)


def submission_defaults_fill(*, submission: Submission, by) -> int:
    """Fill what a unit left empty and the system can tell: the channel the classifier is sure of, the
    consumption type the words suggest. Locked (accepted) reports are left alone. Returns lines changed.

    Lines judged on their way in (the month form, the import) arrive filled: only the lines still lacking one are
    read, so a report with none costs one query."""
    if submission.status == Status.APPROVED:
        return 0
    lacking = Q(consumption_type="") | (Q(channel_code="") & ~Q(source_text=""))
    classifier, changed = None, 0
    for line in submission.lines.filter(lacking, excluded=False):
        changes = {}
        if not line.channel_code and line.source_text:
            classifier = classifier or classifier_current()
            code = classifier.code_for(line.source_text)
            if code:
                changes["channel_code"] = code
        if not line.consumption_type:
            changes["consumption_type"] = consumption_type_infer(product=line.product, source=line.source_text,
                                                                 note=line.note)
        if changes:
            line_update(line=line, by=by, reason="系统按产品和来源补填", **changes)
            changed += 1
    return changed


def stated_total_record(*, submission: Submission, amount_fen: int, by, source: str = "") -> StatedTotal:
    """Keep the subtotal the unit wrote (合计 column), to compare with its lines."""
    stated = StatedTotal.objects.filter(submission=submission).first() or StatedTotal(submission=submission)
    stated.amount_fen, stated.source = amount_fen, source[:200]
    stated._history_user = by
    stated.full_clean()
    stated.save()
    return stated


def non_consumption_word_add(*, word: str, reason: str, by, exceptions: str = "",
                             is_pattern: bool = False) -> NonConsumptionWord:
    """The office adds a word (or a pattern) to its non-consumption screen; applied from the next line checked."""
    word, reason = word.strip(), reason.strip()
    if not word:
        raise UserError(WORD_EMPTY)
    if not reason:
        raise UserError(WORD_REASON_EMPTY)
    if is_pattern:
        try:
            re.compile(word)
        except re.error as exc:
            raise UserError(WORD_PATTERN_BAD.format(word=word, error=exc)) from None
    if NonConsumptionWord.objects.filter(word=word).exists():
        raise UserError(WORD_EXISTS.format(word=word))
    exceptions = "|".join(e.strip() for e in exceptions.replace("、", "|").split("|") if e.strip())
    entry = NonConsumptionWord(word=word, reason=reason, exceptions=exceptions, is_pattern=is_pattern)
    entry._history_user, entry._change_reason = by, "市总添加非消费关键词"
    entry.full_clean()
    entry.save()
    _reports_mentioning_refresh(entry)
    return entry


def _reports_mentioning_refresh(entry: NonConsumptionWord) -> None:
    """The reviewed reports whose lines name the word get their review items computed again. The database finds
    them by the word as written; `fupin findings rebuild` applies the screen's full normalisation to every line."""
    from fupin.quality.stored import stale_mark

    how = "iregex" if entry.is_pattern else "icontains"
    named = Q(**{f"product__{how}": entry.word}) | Q(**{f"source_text__{how}": entry.word}) | Q(
        **{f"note__{how}": entry.word})
    try:
        with transaction.atomic():
            ids = list(PurchaseLine.objects.filter(named, submission__status__in=COUNTED_STATUSES)
                       .values_list("submission_id", flat=True).distinct())
    except DatabaseError:  # a pattern the database's regex dialect refuses: left to the rebuild
        return
    stale_mark(ids)


def non_consumption_word_set_active(*, entry: NonConsumptionWord, active: bool, by) -> NonConsumptionWord:
    """Deactivate (or bring back) a word: never deleted, so the audit trail says what the screen was when."""
    entry.active = active
    entry._history_user, entry._change_reason = by, "市总启用非消费关键词" if active else "市总停用非消费关键词"
    entry.save()
    _reports_mentioning_refresh(entry)
    return entry
