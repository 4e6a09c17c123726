"""A finding: one thing a rule noticed about a line (or a whole report)."""

from dataclasses import dataclass, field

from fupin.core.money import fen_to_wan, wan_display
from fupin.quality.consumption import consumption_type_effective
from fupin.reporting.models import PurchaseLine, Submission
from fupin.units.models import Unit

ERROR, WARNING, NOTE = "错误", "警告", "提示"


@dataclass
class Finding:
    severity: str  # 错误 | 警告 | 提示
    rule: str
    unit: Unit
    line: PurchaseLine | None
    message: str
    rule_name: str = ""
    suggestions: list[str] = field(default_factory=list)  # channel codes, best first
    related: list[int] = field(default_factory=list)  # ids of the lines a merge would take together
    submission: Submission | None = None

    def as_json(self) -> dict:
        return {"severity": self.severity, "rule": self.rule, "rule_name": self.rule_name,
                "unit": self.unit.display_name, "unit_id": self.unit.pk,
                "submission": self.submission.pk if self.submission else None,
                "period": str(self.submission.period) if self.submission else None,
                "line": line_json(self.line) if self.line else None, "message": self.message,
                "suggestions": self.suggestions, "related_lines": self.related}


def line_json(line: PurchaseLine) -> dict:
    return {"id": line.pk, "position": line.position, "product": line.product, "source_text": line.source_text,
            "channel_code": line.channel_code, "method_text": line.method_text, "method": line.method,
            "amount": format(fen_to_wan(line.amount_fen), "f"), "amount_display": wan_display(line.amount_fen),
            "consumption_type": consumption_type_effective(line), "explanation": line.explanation,
            "excluded": line.excluded}


def finding_key(finding: Finding) -> tuple:
    """What a person counts once: a duplicate group (however many lines it has), a line, or a whole report.
    A rule finds a line at most once, so the rule and the line (or group, or report) name the finding."""
    if finding.related:
        return (finding.rule, "group", tuple(sorted(finding.related)))
    if finding.line is not None:
        return (finding.rule, "line", finding.line.pk)
    return (finding.rule, "report", finding.submission.pk if finding.submission else finding.unit.pk)


def distinct_findings(findings: list[Finding]) -> list[Finding]:
    """The findings as a person counts them, in their order: a duplicate group once, not once for each line."""
    seen: set[tuple] = set()
    out = []
    for finding in findings:
        key = finding_key(finding)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
