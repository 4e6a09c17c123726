"""A messy November for the ledger search and export tests: typed the way units type, one line excluded, a draft,
a formula-looking product, a text GBK cannot hold in one test only."""

from datetime import date

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting.exclusions import line_exclude
from fupin.reporting.models import PurchaseLine
from fupin.reporting.services import LineInput, submission_create

FORMULA = '=HYPERLINK("http://evil.example","点我")'
NOVEMBER = "2020-11"


def line(amount: str, product: str, source: str, code: str = "", method: str = "线下", **extra) -> LineInput:
    return LineInput(amount_fen=wan_to_fen(amount), product=product, source_text=source, channel_code=code,
                     method_text=method, method=method, **extra)


def ledger_make(personas) -> dict:
    p = personas
    yexian = submission_create(unit=p.unit, period=Period.parse(NOVEMBER), by=p.reporter, status="submitted",
                               summary="组织职工购买扶贫产品", lines=[
        line("1.5", "小米（五常）", " 扶贫832平台 ", "P832", "线上", note="职工节日慰问", purpose="节日慰问",
             consumption_type="单位集中采购", purchase_date=date(2020, 11, 5), quantity_g=1_250_000),
        line("0.25", "香菇", "郏县 某合作社", "COOP", explanation="按工会要求合并采购"),
        line("12.3456", FORMULA, "农户", "FARM", date_text="11月中旬"),
        line("0.8", "招待用烟酒", "城关超市", ""),
    ])
    line_exclude(line=yexian.lines.get(product="招待用烟酒"), by=p.admin, reason="招待费，不属于消费帮扶")
    draft = submission_create(unit=p.unit, period=Period.parse("2020-12"), by=p.reporter, status="draft",
                              lines=[line("2", "红薯粉条", "农户", "FARM")])
    wugang = submission_create(unit=p.other_unit, period=Period.parse(NOVEMBER), by=None, status="approved",
                               summary="到汝州采摘，职工个人消费", lines=[
        line("3", "小米", "农户", "FARM", note="职工节日慰问"),
        line("0.5", "小米", "农户", "FARM"),  # the same channel and product twice: a duplicate finding
    ])
    return {"yexian": yexian, "draft": draft, "wugang": wugang, "formula": PurchaseLine.objects.get(product=FORMULA)}
