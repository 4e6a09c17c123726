"""Builders for policy tests: welfare spending in 元, ledger lines in 万元 with a purpose, rule versions."""

from datetime import date

from fupin.core.money import wan_to_fen, yuan_to_fen
from fupin.core.periods import Period
from fupin.policy.compliance import compliance_report
from fupin.policy.models import Document
from fupin.policy.services import SpendingInput, document_get_or_create, rule_add, welfare_spending_save
from fupin.reporting.models import Purpose
from fupin.reporting.services import LineInput, submission_create
from fupin.units.people import system_user
from fupin.units.selectors import unit_find


def spending(unit_name: str, period: str, *, sisong="0", holiday="0", hardship="0", other="0", members=None):
    """Welfare spending as a unit reports it, amounts in 元."""
    amounts = SpendingInput(yuan_to_fen(sisong), yuan_to_fen(holiday), yuan_to_fen(hardship), yuan_to_fen(other))
    record, _ = welfare_spending_save(unit=unit_find(unit_name), period=Period.parse(period), amounts=amounts,
                                      by=system_user(), member_count=members)
    return record


def purchases(unit_name: str, period: str, *lines, status="submitted"):
    """Ledger lines (purpose, 万元[, channel code[, purchase date]]) in a submitted report."""
    inputs = []
    for purpose, wan, *rest in lines:
        channel = rest[0] if rest else "P832"
        day = rest[1] if len(rest) > 1 else None
        inputs.append(LineInput(amount_fen=wan_to_fen(wan), purpose=purpose, channel_code=channel,
                                source_text={"PAIR": "援疆产品", "P832": "832平台"}.get(channel, "农户"),
                                method="线上" if channel == "P832" else "线下", product="小米",
                                purchase_date=day, date_text=day.isoformat() if day else ""))
    return submission_create(unit=unit_find(unit_name), period=Period.parse(period), lines=inputs,
                             by=system_user(), status=status)


def row(unit_name: str, period: str, user=None):
    report = compliance_report(period=Period.parse(period), user=user)
    return next(u for u in report.units if u.unit.display_name == unit_name)


def document(number="浙工发〔2021〕5号", title="关于工会经费采购对口帮扶地区产品的通知") -> Document:
    return document_get_or_create(number=number, title=title, issuer="省总工会", issued_on=date(2021, 1, 5))


def new_rule(kind: str, *, effective_from: date, effective_until=None, doc=None, **figures):
    purposes = figures.pop("purposes", (Purpose.SISONG, Purpose.HOLIDAY, Purpose.HARDSHIP)
                           if kind == "share_min" else ())
    return rule_add(kind=kind, name=f"测试规则{kind}", document=doc or document(), jurisdiction="浙江省",
                    effective_from=effective_from, effective_until=effective_until, purposes=purposes, **figures)
