"""Writes for policy: rules and their documents, and what units report for the rules (welfare spending by
purpose, member counts). Each write is one transaction, validated with full_clean, and leaves an audit row."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from fupin.core.errors import UserError
from fupin.core.money import yuan_to_fen
from fupin.core.periods import Period
from fupin.policy.amounts import percent_to_bp, yuan_text
from fupin.policy.models import Document, MemberCount, Rule, WelfareSpending
from fupin.reporting.models import Purpose
from fupin.units.models import Unit

DEFAULTS_FILE = Path(__file__).with_name("data") / "default_rules.json"

SPENDING_NEGATIVE = "{purpose}支出不能为负数：{value}元"
MEMBERS_NEGATIVE = "会员人数不能为负数：{value}"


def _attribute(obj, by) -> None:
    if by is not None:
        obj._history_user = by


def _validated(obj) -> None:
    """full_clean, with Django's messages turned into one Chinese UserError."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise UserError("；".join(exc.messages)) from None


def document_get_or_create(*, number: str, title: str, issuer: str = "", issued_on: date | None = None,
                           note: str = "", by=None) -> Document:
    document = Document.objects.filter(number=number).first()
    if document is None:
        document = Document(number=number, title=title, issuer=issuer, issued_on=issued_on, note=note)
        _attribute(document, by)
        _validated(document)
        document.save()
    return document


def rule_add(*, kind: str, name: str, document: Document, jurisdiction: str, effective_from: date,
             effective_until: date | None = None, min_share_percent=None, amount_yuan=None,
             purposes: list[str] | tuple = (), exclude_channels: list[str] | tuple = (), note: str = "",
             code: str | None = None, by=None) -> Rule:
    """A new rule, or a new version of one: give it a later 生效日期 and earlier periods keep the old version."""
    rule = Rule(kind=kind, name=name, document=document, jurisdiction=jurisdiction, code=code,
                effective_from=effective_from, effective_until=effective_until, note=note,
                purposes=",".join(purposes), exclude_channels=",".join(exclude_channels),
                min_share_bp=None if min_share_percent is None else percent_to_bp(min_share_percent),
                amount_fen=None if amount_yuan is None else yuan_to_fen(amount_yuan))
    with transaction.atomic():
        _attribute(rule, by)
        _validated(rule)
        rule.save()
    return rule


def policy_defaults_load(*, by=None) -> int:
    """Create the default documents and rules that are missing (by code); never overwrite the office's edits."""
    data = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    made = 0
    with transaction.atomic():
        documents = {}
        for d in data["documents"]:
            documents[d["number"]] = document_get_or_create(
                number=d["number"], title=d["title"], issuer=d.get("issuer", ""), note=d.get("note", ""),
                issued_on=date.fromisoformat(d["issued_on"]) if d.get("issued_on") else None, by=by)
        for r in data["rules"]:
            if Rule.objects.filter(code=r["code"]).exists():
                continue
            rule_add(code=r["code"], kind=r["kind"], name=r["name"], document=documents[r["document"]],
                     jurisdiction=r["jurisdiction"], purposes=r.get("purposes", ()),
                     min_share_percent=r.get("min_share_percent"), amount_yuan=r.get("amount_yuan"),
                     exclude_channels=r.get("exclude_channels", ()), note=r.get("note", ""),
                     effective_from=date.fromisoformat(r["effective_from"]),
                     effective_until=date.fromisoformat(r["effective_until"]) if r.get("effective_until") else None,
                     by=by)
            made += 1
    return made


@dataclass
class SpendingInput:
    """Welfare spending of one unit and period, in 分 (convert 元 with core.money.yuan_to_fen)."""

    sisong_fen: int = 0
    holiday_fen: int = 0
    hardship_fen: int = 0
    other_fen: int = 0


def welfare_spending_save(*, unit: Unit, period: Period, amounts: SpendingInput, by, note: str = "",
                          member_count: int | None = None) -> tuple[WelfareSpending, bool]:
    """Store (or correct) a unit's welfare spending for a period; returns (record, created). With member_count,
    the year's member count is stored too. The earlier figures stay in the audit trail."""
    for purpose, field in WelfareSpending.FIELDS.items():
        value = getattr(amounts, field)
        if value < 0:
            raise UserError(SPENDING_NEGATIVE.format(purpose=Purpose(purpose).label, value=yuan_text(value)))
    with transaction.atomic():
        record = (WelfareSpending.objects.select_for_update()
                  .filter(unit=unit, first_month=period.first, last_month=period.last).first())
        created = record is None
        record = record or WelfareSpending(unit=unit, first_month=period.first, last_month=period.last)
        for field in WelfareSpending.FIELDS.values():
            setattr(record, field, getattr(amounts, field))
        record.note = note
        record.entered_by = by
        _attribute(record, by)
        _validated(record)
        record.save()
        if member_count is not None:
            member_count_set(unit=unit, year=period.first.year, count=member_count, by=by)
    return record, created


def member_count_set(*, unit: Unit, year: int, count: int, by) -> MemberCount:
    if count < 0:
        raise UserError(MEMBERS_NEGATIVE.format(value=count))
    with transaction.atomic():
        record = MemberCount.objects.select_for_update().filter(unit=unit, year=year).first()
        if record is not None and record.count == count:
            return record
        record = record or MemberCount(unit=unit, year=year)
        record.count = count
        record.entered_by = by
        _attribute(record, by)
        _validated(record)
        record.save()
    return record
