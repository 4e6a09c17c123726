"""Demo figures for the policy pages: two units' welfare spending and member counts for 2020年1—10月.

Invented for the demonstration (the seed circular gives none); loaded once, never overwriting what was entered.
"""

from fupin.core.money import yuan_to_fen
from fupin.core.periods import Period
from fupin.policy.models import WelfareSpending
from fupin.policy.services import SpendingInput, welfare_spending_save
from fupin.units.selectors import unit_find

DEMO_PERIOD = "2020-01:2020-10"
# unit, members, 四送, 节日慰问, 困难职工慰问, 其他 (元)
DEMO_SPENDING = [
    ("叶县", 1250, "300000", "2250000", "150000", "80000"),
    ("舞钢市", 980, "120000", "1960000", "60000", "0"),
]


def policy_demo_load(*, by) -> int:
    period, made = Period.parse(DEMO_PERIOD), 0
    for name, members, sisong, holiday, hardship, other in DEMO_SPENDING:
        unit = unit_find(name)
        if unit is None or WelfareSpending.objects.filter(unit=unit).exists():
            continue
        amounts = SpendingInput(yuan_to_fen(sisong), yuan_to_fen(holiday), yuan_to_fen(hardship), yuan_to_fen(other))
        welfare_spending_save(unit=unit, period=period, amounts=amounts, by=by, member_count=members,
                              note="演示数据")
        made += 1
    return made
