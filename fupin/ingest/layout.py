"""Finding the table in a sheet: skip the title and blank rows, recognise the header row by its words, and read
what the rows above it say (填报单位：叶县, 统计期间：2020-01:2020-10, 单位：万元)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice

from fupin.core.periods import Period
from fupin.core.text import normalize
from fupin.ingest.readers import Row, Table
from fupin.ingest.values import WAN, YUAN, cell_text, is_blank

HEADER_SCAN = 30  # a header further down than this is not a header

# Field → (the column's name in messages, the words offices head it with, best first).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unit": ("单位名称", ("单位名称", "填报单位", "上报单位", "单位", "工会名称", "基层工会", "单位名")),
    "product": ("产品名称", ("产品名称", "品名", "产品", "商品名称", "商品", "采购产品", "采购内容", "产品名")),
    "source": ("产品来源", ("产品来源", "采购渠道", "来源", "渠道", "购买渠道", "采购来源", "来源渠道", "产品渠道")),
    "method": ("采购方式", ("采购方式", "方式", "购买方式", "消费方式")),
    "date": ("采购时间", ("采购时间", "采购日期", "日期", "时间", "购买时间", "购买日期")),
    "quantity": ("数量", ("数量", "采购数量", "重量")),
    "amount": ("金额", ("金额", "采购金额", "成交额", "成交金额", "消费金额", "购买金额")),
    "subtotal": ("合计", ("合计", "小计", "单位合计", "合计金额")),
    "consumption_type": ("消费类型", ("消费类型", "类型")),
    "purpose": ("用途", ("用途", "采购用途")),
    "note": ("备注", ("备注",)),
    "explanation": ("上报说明", ("上报说明", "说明")),
}
REQUIRED = ("amount", "source", "method")
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")
_UNIT_WORDS = re.compile(r"(单位[:：]?)?(万元|元|吨|公斤|千克|斤|kg)$")
_META_UNIT = re.compile(r"^(?:填报|上报)?单位(?:名称)?(?:\(盖章\))?[:：](.+)$")
_META_PERIOD = re.compile(r"^(?:统计|填报|报送)?(?:期间|时间|月份)[:：](.+)$")
MEASURE_WORDS = {"元", "万元", "吨", "公斤", "千克", "斤"}


@dataclass
class Layout:
    table: Table
    header_row: int
    columns: dict[str, int]  # field → index in the row
    amount_unit: str = WAN
    subtotal_unit: str = WAN
    tons_per_quantity: Decimal = Decimal(1)
    meta_unit: str = ""  # 填报单位 written above the header
    meta_unit_row: int | None = None
    meta_period: str = ""
    rows: object = field(default=None, repr=False)  # the rows after the header (an iterator)

    def column_name(self, name: str) -> str:
        return FIELDS[name][0]


def header_field(text: str) -> str | None:
    """The field a header cell names: 金额（单位：万元）, 产品来源\\n（采购渠道）, 数量(吨) …"""
    key = normalize(text)
    if not key or len(key) > 30:
        return None
    name = _UNIT_WORDS.sub("", _BRACKETED.sub("", key)) or key
    for field_name, (_, words) in FIELDS.items():
        if name in words:
            return field_name
    return None


def _unit_hint(text: str) -> str:
    return normalize(text).lower()


def _money_unit(text: str, default: str) -> str:
    hint = _unit_hint(text)
    if "万元" in hint:
        return WAN
    if "元" in hint:
        return YUAN
    return default


def _weight_unit(text: str) -> Decimal:
    hint = _unit_hint(text)
    for words, tons in ((("千克", "公斤", "kg"), "0.001"), (("斤",), "0.0005"), (("吨", "(t)"), "1"),
                        (("(克)", "(g)"), "0.000001")):
        if any(word in hint for word in words):
            return Decimal(tons)
    return Decimal(1)


def _header_columns(cells: list) -> dict[str, tuple[int, int]]:
    """field → (column, rank of the word that named it); the best-named column wins a field."""
    found: dict[str, tuple[int, int]] = {}
    for index, value in enumerate(cells):
        if not isinstance(value, str):
            continue
        name = header_field(value)
        if name is None:
            continue
        rank = _rank(value, name)
        if name not in found or rank < found[name][1]:
            found[name] = (index, rank)
    return found


def _rank(text: str, name: str) -> int:
    key = _UNIT_WORDS.sub("", _BRACKETED.sub("", normalize(text)))
    words = FIELDS[name][1]
    return words.index(key) if key in words else len(words)


def _is_header(columns: dict) -> bool:
    return "amount" in columns and len({"source", "method", "unit", "product"} & set(columns)) >= 2


def find_layout(table: Table) -> Layout | None:
    """The layout of a table, or None when no header is among its first rows. The rows after the header stay
    unread (a stream): `layout.rows` continues where the search stopped."""
    scanned: list[Row] = list(islice(table.rows, HEADER_SCAN))
    meta_unit, meta_unit_row, meta_period, money_default = "", None, "", WAN
    for position, (number, cells) in enumerate(scanned):
        columns = _header_columns(cells)
        if _is_header(columns):
            header = {name: index for name, (index, _) in columns.items()}
            layout = Layout(table=table, header_row=number, columns=header, meta_unit=meta_unit,
                            meta_unit_row=meta_unit_row, meta_period=meta_period)
            layout.amount_unit = _money_unit(cells[header["amount"]], money_default)
            if "subtotal" in header:
                layout.subtotal_unit = _money_unit(cells[header["subtotal"]], layout.amount_unit)
            if "quantity" in header:
                layout.tons_per_quantity = _weight_unit(cells[header["quantity"]])
            layout.rows = chain(scanned[position + 1:], table.rows)
            return layout
        for value in cells:
            if is_blank(value) or not isinstance(value, str):
                continue
            key = normalize(value)
            if m := _META_UNIT.match(key):
                if m.group(1) in MEASURE_WORDS:
                    money_default = YUAN if m.group(1) == "元" else money_default
                elif not meta_unit:
                    meta_unit, meta_unit_row = m.group(1), number
            elif m := _META_PERIOD.match(key):
                meta_period = meta_period or m.group(1)
    return None


def meta_period_conflict(layout: Layout, period: Period) -> str | None:
    """The period written above the header, when it says something else than the import's period."""
    if not layout.meta_period:
        return None
    try:
        written = Period.parse(layout.meta_period.replace("至", ":").replace("—", ":").replace("~", ":"))
    except Exception:  # noqa: BLE001 - free text such as 1—10月 is not checked
        return None
    return None if written == period else layout.meta_period


def is_total_label(value) -> bool:
    return normalize(cell_text(value)) in ("合计", "总计", "全市合计", "总合计", "合计金额")


def is_subtotal_label(value) -> bool:
    return normalize(cell_text(value)) in ("小计", "单位小计")
