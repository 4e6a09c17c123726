"""The seed circular's attachment table (平工办〔2020〕33号), loaded as the demo's ledger."""

from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from zoneinfo import ZoneInfo

from django.db import transaction

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.quality.classify import Classifier
from fupin.reporting.methods import method_normalize
from fupin.reporting.models import DeadlineRule, Status, Submission
from fupin.reporting.rounds import round_open
from fupin.reporting.services import LineInput, submission_create
from fupin.units.selectors import UnitMatcher

SEED_PERIOD = Period.parse("2020-01:2020-10")
SEED_DEADLINE = date(2020, 10, 16)  # the round the circular reports on closed on 16 October
SHANGHAI = ZoneInfo("Asia/Shanghai")

# When each unit's figures reached the office. The round closed on 2020-10-16; the circular names the ten on time.
ON_TIME = {
    "姚电公司": "2020-10-14 10:20", "舞钢公司": "2020-10-15 16:05", "舞钢市": "2020-10-15 11:30",
    "叶县": "2020-10-14 17:40", "湛河区": "2020-10-16 09:10", "卫东区": "2020-10-16 10:45",
    "热电公司": "2020-10-16 11:15", "热力集团": "2020-10-16 15:20", "平顶山发电分公司": "2020-10-16 16:30",
    "江河机械": "2020-10-16 17:05",
}
LATE_AT = "2020-10-20 10:00"


@dataclass
class SeedRow:
    unit: str
    product: str
    source: str
    method: str
    amount: str


def seed_rows() -> list[SeedRow]:
    text = resources.files("fupin.site").joinpath("data/seed_2020_01_10.tsv").read_text(encoding="utf-8")
    rows, unit = [], ""
    for line in text.splitlines():
        cells = (line.split("\t") + [""] * 8)[:8]
        if line.startswith("#") or not line.strip() or cells[0] in ("单位名称", "合计"):
            continue
        unit = cells[0].strip() or unit
        if cells[6].strip():
            rows.append(SeedRow(unit, cells[1].strip(), cells[2].strip(), cells[3].strip(), cells[6].strip()))
        elif cells[0].strip():
            rows.append(SeedRow(unit, "", "", "", ""))  # a unit that reported nothing
    return rows


def seed_load(*, by) -> int:
    """One cumulative 2020-01..2020-10 submission per unit that reported. Idempotent; returns submissions made."""
    matcher, channels = UnitMatcher(), Classifier()
    by_unit: dict = {}
    for row in seed_rows():
        unit = matcher.find(row.unit)
        if unit is None:
            raise LookupError(f"种子数据中的单位“{row.unit}”不在单位名录中")
        by_unit.setdefault(unit, [])
        if row.amount:
            by_unit[unit].append(LineInput(
                amount_fen=wan_to_fen(row.amount), product=row.product, source_text=row.source,
                channel_code=channels.code_for(row.source), method_text=row.method,
                method=method_normalize(row.method)))
    made = 0
    with transaction.atomic():
        round_open(period=SEED_PERIOD, by=by, rule=DeadlineRule.FIXED, fixed_date=SEED_DEADLINE,
                   note="平工办〔2020〕33号通报的1—10月统计")
        for unit, lines in by_unit.items():
            if not lines:
                continue  # 舞阳铁矿: no report at all
            if Submission.objects.filter(unit=unit, first_month=SEED_PERIOD.first,
                                         last_month=SEED_PERIOD.last).exists():
                continue
            at = datetime.strptime(ON_TIME.get(unit.short_name, LATE_AT), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
            submission_create(unit=unit, period=SEED_PERIOD, lines=lines, by=by, status=Status.APPROVED,
                              submitted_at=at)
            made += 1
    return made
