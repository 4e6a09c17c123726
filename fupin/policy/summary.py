"""The circular's section on the policy rules: paragraphs of Chinese text and the figures behind them.

`compliance_summary(period=, user=)` is what the circular calls; it never raises for a period the rules cannot
judge (one crossing a year): it says so in a paragraph instead.
"""

from dataclasses import dataclass, field

from fupin.core.errors import UserError
from fupin.core.periods import Period, date_cn
from fupin.policy.amounts import per_member_yuan_text, percent_plain, percent_text, wan_text, yuan_plain
from fupin.policy.compliance import (
    ComplianceReport,
    HolidayStatus,
    ShareStatus,
    UnitStatus,
    compliance_report,
)
from fupin.policy.models import Rule, RuleKind

HEADING = "政策规则落实情况"


@dataclass
class ComplianceSummary:
    heading: str
    paragraphs: list[str]
    # Flat figures for tables/charts; keys name their unit: _count (个/条), _wan (万元), _yuan (元), _percent (%).
    figures: dict = field(default_factory=dict)


def compliance_summary(*, period: Period, user=None) -> ComplianceSummary:
    try:
        report = compliance_report(period=period, user=user)
    except UserError as exc:
        return ComplianceSummary(HEADING, [exc.message], {})
    return summary_from_report(report)


def _names(rows) -> str:
    return "、".join(r.unit.display_name for r in rows)


def _purpose(purpose: str) -> str:
    """四送 is a campaign's name and is quoted in circulars: “四送”."""
    return f"“{purpose}”" if purpose == "四送" else purpose


def _share_text(name: str, check) -> str:
    return f"{name}{percent_text(check.poverty_fen, check.spending_fen)}%"


def _holiday_text(name: str, check) -> str:
    per_member = per_member_yuan_text(check.holiday_fen, check.members.count)
    return f"{name}人均{per_member}元（{check.status_label}）"


def _doc(rule: Rule) -> str:
    return rule.document.number


def rule_sentence(rule: Rule, as_of=None) -> str:
    """The rule in a circular's words; an allowance whose window closed by `as_of` is said to have closed."""
    if rule.kind == RuleKind.SHARE_MIN:
        purposes = "、".join(_purpose(p) for p in rule.purpose_list)
        return (f"按照{_doc(rule)}，{purposes}支出中应拿出不低于{percent_plain(rule.min_share_bp)}%的金额"
                "采购贫困地区或对口帮扶地区消费扶贫产品")
    if rule.kind == RuleKind.HOLIDAY_CAP:
        return f"按照{_doc(rule)}，每位会员年度节日慰问品不超过{yuan_plain(rule.amount_fen)}元"
    until = ""
    if rule.effective_until:
        closed = as_of is not None and as_of > rule.effective_until
        until = f"，已于{date_cn(rule.effective_until)}截止" if closed else f"，截至{date_cn(rule.effective_until)}"
    return f"在此之后可再按每人不超过{yuan_plain(rule.amount_fen)}元采购本省贫困地区农副产品（{_doc(rule)}{until}）"


def summary_from_report(report: ComplianceReport) -> ComplianceSummary:
    units = report.units
    label = f"{report.period.first.year}年{report.period.label()}"  # within one year, by period_check
    with_spending = [u for u in units if u.spending]
    missing = [u for u in units if u.missing]
    paragraphs = []
    if report.rules:
        paragraphs.append("；".join(rule_sentence(r, report.as_of) for r in report.rules) + "。")
    else:
        paragraphs.append(f"截至{date_cn(report.as_of)}，系统中没有适用的政策规则。")

    unassigned_lines = sum(u.unassigned_lines for u in units)
    unassigned_fen = sum(u.unassigned_fen for u in units)
    no_spending = [u for u in units if not u.spending]
    no_members = [u for u in units if not u.holiday.members.count]
    no_purpose = [u for u in units if u.unassigned_lines]
    text = f"{label}，{len(units)}个单位中有{len(with_spending)}个填报了福利支出"
    if missing:
        parts = []
        if no_spending:
            parts.append(f"未填报福利支出的{len(no_spending)}个（{_names(no_spending)}）")
        if no_members:
            parts.append(f"缺会员人数的{len(no_members)}个")
        if no_purpose:
            parts.append(f"采购明细未注明用途的{len(no_purpose)}个（{unassigned_lines}条，"
                         f"{wan_text(unassigned_fen)}万元，无法计入比例）")
        text += f"；{len(missing)}个单位未报送政策规则所需的数据，其中" + "，".join(parts)
    paragraphs.append(text + "。")

    share_parts = []
    for index, check in enumerate(units[0].shares if units else []):
        met = [u for u in units if u.shares[index].status == ShareStatus.MET]
        below = [u for u in units if u.shares[index].status == ShareStatus.BELOW and u.shares[index].judgeable]
        if not met and not below:
            continue
        minimum = percent_plain(check.rule.min_share_bp)
        part = f"{_purpose(check.purpose)}采购扶贫产品比例达到{minimum}%的{len(met)}个"
        if met:
            part += f"（{_names(met)}）"
        if below:
            shown = "、".join(_share_text(u.unit.display_name, u.shares[index]) for u in below)
            part += f"，未达到的{len(below)}个（{shown}）"
        share_parts.append(part)
    # said once, not per purpose: lines without a 用途 leave every share of the unit open
    unjudged = [u for u in units if any(not s.judgeable for s in u.shares)]
    if unjudged:
        share_parts.append(f"{len(unjudged)}个单位（{_names(unjudged)}）有采购明细未注明用途，扶贫采购比例暂无法判断")
    if share_parts:
        paragraphs.append("；".join(share_parts) + "。")

    extra_used = [u for u in units if u.holiday.status == HolidayStatus.EXTRA_USED]
    over = [u for u in units if u.holiday.status in HolidayStatus.BREACHES and u.holiday.judgeable]
    if extra_used or over:
        parts = []
        if extra_used:
            parts.append(f"使用节日慰问额外额度的{len(extra_used)}个（{_names(extra_used)}）")
        if over:
            shown = "、".join(_holiday_text(u.unit.display_name, u.holiday) for u in over)
            parts.append(f"节日慰问品超过规定的{len(over)}个：{shown}")
        paragraphs.append("；".join(parts) + "。")

    figures = {
        "unit_count": len(units),
        "spending_reported_count": len(with_spending),
        "ok_count": report.count(UnitStatus.OK),
        "breach_count": report.count(UnitStatus.BREACH),
        "missing_count": report.count(UnitStatus.MISSING),
        "share_below_count": sum(1 for u in units
                                 if any(s.status == ShareStatus.BELOW and s.judgeable for s in u.shares)),
        "unjudged_count": sum(1 for u in units if not u.judgeable),
        "extra_used_count": len(extra_used),
        "holiday_breach_count": len(over),
        "spending_missing_count": len(no_spending),
        "members_missing_count": len(no_members),
        "purpose_missing_unit_count": len(no_purpose),
        "unassigned_line_count": unassigned_lines,
        "unassigned_wan": wan_text(unassigned_fen),
    }
    return ComplianceSummary(HEADING, paragraphs, figures)
