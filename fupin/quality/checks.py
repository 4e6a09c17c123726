"""Findings on submissions and lines. A first version finds nothing; the data-quality work fills in the rules."""

from dataclasses import dataclass

from fupin.core.periods import Period
from fupin.reporting.models import PurchaseLine
from fupin.units.models import Unit

SEVERITIES = ("错误", "警告", "提示")


@dataclass
class Finding:
    severity: str  # 错误 | 警告 | 提示
    rule: str
    unit: Unit
    line: PurchaseLine | None
    message: str


def findings_for_period(*, period: Period, user=None) -> list[Finding]:
    return []
