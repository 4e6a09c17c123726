"""Writes to circulars: draft from the ledger, edit paragraphs, make final. Each save is a history version."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights.attachment import attachment_table
from fupin.insights.circular_facts import circular_facts
from fupin.publishing.circular_draft import circular_draft as draft_from_facts
from fupin.publishing.models import Circular, CircularStatus, ParagraphKind
from fupin.units.selectors import root_unit

CIRCULAR_FINAL = "通报{number}已定稿，不能再修改；如需更正，请另行起草"
PARAGRAPHS_MISMATCH = "提交的段落数（{got}）与通报的段落数（{expected}）不一致，请刷新页面后重新修改"
NUMBER_REQUIRED = "请填写发文字号，例如 平工办〔2020〕33号"
TITLE_REQUIRED = "通报标题不能为空"
KINDS = set(ParagraphKind.values)


def default_issuer() -> str:
    root = root_unit()
    return f"{root.name}办公室" if root else ""


def default_number(on: date) -> str:
    """The office's prefix with the year and the next number after its last circular of that year."""
    last = Circular.objects.filter(date__year=on.year).exclude(number="").order_by("-date", "-pk").first()
    if last and "〔" in last.number:
        return last.number
    return f"平工办〔{on.year}〕号"


def circular_draft(*, period: Period, by, number: str, on: date, issuer: str = "", copy_to: str = "",
                   printer: str = "", printed_on: date | None = None) -> Circular:
    """Draft a circular for `period` from the ledger as it stands, with its 核对单."""
    number = (number or "").strip()
    if not number:
        raise UserError(NUMBER_REQUIRED)
    table = attachment_table(period=period)
    facts = circular_facts(period=period)
    draft = draft_from_facts(facts, attachment_title=table.title)
    circular = Circular(first_month=period.first, last_month=period.last, number=number, date=on,
                        issuer=(issuer or "").strip() or default_issuer(), created_by=by,
                        copy_to=(copy_to or "").strip(), printer=(printer or "").strip(), printed_on=printed_on,
                        paragraphs=draft.paragraphs, checklist=draft.checklist)
    circular._history_user = by
    circular._change_reason = "由台账数据起草"
    circular.full_clean()
    circular.save()
    return circular


def circular_edit(*, circular: Circular, by, texts: list[str], number: str | None = None,
                  on: date | None = None, issuer: str | None = None, reason: str = "",
                  copy_to: str | None = None, printer: str | None = None, printed_on: date | None = None) -> Circular:
    """Replace the paragraphs' text (same order and kinds); an emptied paragraph is dropped (except the title)."""
    with transaction.atomic():
        circular = Circular.objects.select_for_update().get(pk=circular.pk)
        if circular.is_final:
            raise UserError(CIRCULAR_FINAL.format(number=circular.number))
        if len(texts) != len(circular.paragraphs):
            raise UserError(PARAGRAPHS_MISMATCH.format(got=len(texts), expected=len(circular.paragraphs)))
        paragraphs = []
        for old, text in zip(circular.paragraphs, texts, strict=True):
            text = (text or "").strip().replace("\r\n", "\n")
            if not text and old["kind"] == ParagraphKind.TITLE:
                raise UserError(TITLE_REQUIRED)
            if text:
                paragraphs.append({"kind": old["kind"], "text": text})
        circular.paragraphs = paragraphs
        if number is not None:
            if not number.strip():
                raise UserError(NUMBER_REQUIRED)
            circular.number = number.strip()
        if on is not None:
            circular.date = on
        if issuer is not None and issuer.strip():
            circular.issuer = issuer.strip()
        if copy_to is not None:
            circular.copy_to = copy_to.strip()
        if printer is not None:
            circular.printer = printer.strip()
        if printed_on is not None:
            circular.printed_on = printed_on
        circular._history_user = by
        circular._change_reason = reason or "修改"
        circular.full_clean()
        circular.save()
    return circular


def circular_finalize(*, circular: Circular, by) -> Circular:
    with transaction.atomic():
        circular = Circular.objects.select_for_update().get(pk=circular.pk)
        if circular.is_final:
            raise UserError(CIRCULAR_FINAL.format(number=circular.number))
        circular.status = CircularStatus.FINAL
        circular.finalized_at, circular.finalized_by = timezone.now(), by
        circular._history_user = by
        circular._change_reason = "定稿"
        circular.save()
    return circular
