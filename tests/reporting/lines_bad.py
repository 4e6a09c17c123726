"""The same bad (and doubtful) purchase lines, to drive through every way a line comes in: the web form (test client
and headless chromium), `fupin import`, and the service the API will call. Each case says what the one validator
decides (refused: 错误; kept: 警告/提示), the message, and the field it stands beside."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from fupin.quality import validation as judged
from fupin.reporting import validation as v

PERIOD = "2020-11"
PERIOD_CN = "2020年11月"
NOT_CONSUMPTION_ZHAODAI = judged.NOT_CONSUMPTION.format(
    label="产品名称", value="接待用餐招待费", word="招待", reason="公务招待是单位公务开支，不是消费帮扶")


@dataclass
class Case:
    name: str
    amount: str = "1.5"
    source: str = "农户"
    method: str = "线下"
    date: str = ""
    quantity: str = ""
    product: str = "小米"
    severity: str = v.ERROR  # what the validator decides: 错误 refuses the line
    message: str = ""
    form_field: str = "amount_wan"  # where the form shows it
    column: str = "金额"  # where the import names it
    extra: dict = field(default_factory=dict)


CASES = [
    Case("over_ceiling", amount="10000.000001", message=v.AMOUNT_OVER_CEILING),
    Case("negative", amount="-2", message=v.AMOUNT_NEGATIVE),
    Case("finer_than_a_fen", amount="1.0000001", message=v.AMOUNT_TOO_FINE),
    Case("not_a_number", amount="一万", message=v.AMOUNT_NOT_NUMBER),
    Case("date_outside_the_period", date="2020-12-03", message=v.DATE_OUTSIDE.format(period=PERIOD_CN),
         form_field="purchase_date", column="采购时间"),
    Case("quantity_over_ceiling", quantity="100000.5", message=v.QUANTITY_OVER_CEILING,
         form_field="quantity_tons", column="数量"),
    Case("source_missing", source="", message=v.SOURCE_MISSING, form_field="source_text", column="产品来源"),
    Case("hospitality_is_not_consumption", product="接待用餐招待费", severity=v.WARNING,
         message=NOT_CONSUMPTION_ZHAODAI, form_field="product", column="产品名称"),
]
REFUSED = [c for c in CASES if c.severity == v.ERROR]


def form_data(case: Case) -> dict:
    return {"product": case.product, "source_text": case.source, "method": case.method,
            "purchase_date": case.date, "quantity_tons": case.quantity, "amount_wan": case.amount, "note": ""}


def csv_file(folder: Path, case: Case) -> Path:
    """The unit's own table, as its office would save it from Excel (GBK)."""
    path = folder / f"{case.name}.csv"
    with path.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["产品名称", "产品来源", "采购方式", "采购时间", "数量（吨）", "金额（万元）"])
        writer.writerow([case.product, case.source, case.method, case.date, case.quantity, case.amount])
    return path
