"""The compliance report as JSON. Every figure says its unit in its key: _yuan (元), _wan (万元), _percent (%),
_count (人/条). Amounts are decimal strings; null where a figure cannot be computed (no spending, no members)."""

from fupin.policy.amounts import bp_percent_text, per_member_yuan_text, percent_text, wan_text, yuan_text
from fupin.policy.compliance import (
    ComplianceReport,
    HolidayCheck,
    ShareCheck,
    ShareStatus,
    UnitCompliance,
    UnitStatus,
)
from fupin.policy.models import Rule


def rule_json(rule: Rule) -> dict:
    doc = rule.document
    return {
        "id": rule.pk, "code": rule.code, "kind": rule.kind, "kind_label": rule.get_kind_display(),
        "name": rule.name, "jurisdiction": rule.jurisdiction,
        "document": {"number": doc.number, "title": doc.title, "issuer": doc.issuer,
                     "issued_on": doc.issued_on.isoformat() if doc.issued_on else None},
        "effective_from": rule.effective_from.isoformat(),
        "effective_until": rule.effective_until.isoformat() if rule.effective_until else None,
        "purposes": rule.purpose_list,
        "min_share_percent": bp_percent_text(rule.min_share_bp),
        "amount_per_member_yuan": yuan_text(rule.amount_fen),
        "exclude_channels": sorted(rule.excluded_channel_codes),
    }


def share_json(check: ShareCheck) -> dict:
    return {
        "purpose": check.purpose, "rule_id": check.rule.pk,
        "spending_yuan": yuan_text(check.spending_fen) if check.status != ShareStatus.MISSING else None,
        "poverty_yuan": yuan_text(check.poverty_fen), "poverty_wan": wan_text(check.poverty_fen),
        "share_percent": percent_text(check.poverty_fen, check.spending_fen),
        "min_share_percent": bp_percent_text(check.rule.min_share_bp),
        "status": check.status, "status_label": check.status_label, "judgeable": check.judgeable,
    }


def holiday_json(check: HolidayCheck, *, reported: bool) -> dict:
    members = check.members.count
    cap, extra = check.cap_rule, check.extra_rule
    return {
        "year": check.year, "member_count": members, "member_count_source": check.members.source,
        "holiday_yuan": yuan_text(check.holiday_fen) if reported else None,
        "per_member_yuan": per_member_yuan_text(check.holiday_fen, members) if reported else None,
        "cap_rule_id": cap.pk if cap else None,
        "cap_per_member_yuan": yuan_text(cap.amount_fen) if cap else None,
        "over_cap_yuan": yuan_text(check.over_fen),
        "over_cap_per_member_yuan": per_member_yuan_text(check.over_fen, members),
        "extra_rule_id": extra.pk if extra else None,
        "extra_per_member_yuan": yuan_text(extra.amount_fen) if extra else None,
        "extra_window": {"from": extra.effective_from.isoformat(),
                         "until": extra.effective_until.isoformat() if extra.effective_until else None}
        if extra else None,
        "extra_allowance_yuan": yuan_text(check.allowance_fen),
        "extra_eligible_yuan": yuan_text(check.eligible_fen),
        "status": check.status, "status_label": check.status_label, "judgeable": check.judgeable,
    }


def unit_json(row: UnitCompliance) -> dict:
    return {
        "unit": row.unit.display_name, "unit_id": row.unit.pk,
        "status": row.status, "status_label": row.status_label,
        "breaches": row.breaches, "uses": row.uses, "missing": row.missing,
        "judgeable": row.judgeable, "unjudged": row.unjudged,
        "spending_periods": [str(r.period) for r in row.spending],
        # null, not "0.00", when nothing was reported: a reported zero and a missing figure are different things
        "spending_yuan": {p: yuan_text(v) if row.spending else None for p, v in row.spending_fen.items()},
        "shares": [share_json(s) for s in row.shares],
        "holiday": holiday_json(row.holiday, reported=bool(row.spending)),
        "unassigned_line_count": row.unassigned_lines, "unassigned_wan": wan_text(row.unassigned_fen),
    }


def compliance_json(report: ComplianceReport) -> dict:
    return {
        "report": "compliance",
        "period": report.period.as_json(), "period_label": report.period.label(),
        "as_of": report.as_of.isoformat(),
        "rules": [rule_json(r) for r in report.rules],
        "summary": {"unit_count": len(report.units),
                    **{f"{status}_count": report.count(status) for status in UnitStatus.LABELS}},
        "units": [unit_json(row) for row in report.units],
    }
