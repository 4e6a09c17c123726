"""Finding the table in a sheet: skip the title and blank rows, recognise the header by its words, and read what
the rows above it say (填报单位：叶县, 统计期间：2020-01:2020-10, 单位：万元).

A header may be drawn over two or three rows, as offices draw them: a group title over the names (采购明细 over
产品名称 … 金额), names merged down over a unit row (金额 over （万元）, 数量 over 吨), a 序号 column. Merged cells
read as a value in the first cell and blanks in the rest, so each column's header is the words of its cells from
the top row down: its field is the lowest cell that names one, its unit comes from any of them."""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice

from fupin.core.periods import Period
from fupin.core.text import normalize
from fupin.ingest.readers import Row, Table
from fupin.ingest.values import WAN, YUAN, cell_text, is_blank

HEADER_SCAN = 30  # a header further down than this is not a header
HEADER_DEPTH = 3  # rows one header may take

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
_META_UNIT = re.compile(r"^(?:填报|上报)?单位(?:名称)?(?:\(盖章\))?[:：](.+?)(?:(?:填报|上报|报送)?(?:日期|时间)[:：].*)?$")
_META_PERIOD = re.compile(r"^(?:统计|填报|报送)?(?:期间|时间|月份)[:：](.+)$")
MEASURE_WORDS = {"元", "万元", "吨", "公斤", "千克", "斤"}
SERIAL_WORDS = {"序号", "编号", "序", "no", "no."}  # a numbering column: part of a header, never a field


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
    header_rows: list[int] = field(default_factory=list)  # every row the header takes (4, 5)
    header_cells: list[dict] = field(default_factory=list)  # those rows as read ({row, cells}), for the preview
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


def _rank(text: str, name: str) -> int:
    key = _UNIT_WORDS.sub("", _BRACKETED.sub("", normalize(text)))
    words = FIELDS[name][1]
    return words.index(key) if key in words else len(words)


def _is_header(columns: dict) -> bool:
    return "amount" in columns and len({"source", "method", "unit", "product"} & set(columns)) >= 2


def _strip(text: str) -> str:
    return _BRACKETED.sub("", normalize(text)).strip().lower()


def _unit_only(text: str) -> bool:
    """（万元）, 单位：吨, 元: a unit row's cell."""
    key = re.sub(r"[()（）\[\]【】]", "", normalize(text)).lower()
    key = re.sub(r"^单位[:：]?", "", key)
    return key in MEASURE_WORDS or key in ("t", "kg")


def _serial(text: str) -> bool:
    return _strip(text) in SERIAL_WORDS


def _continues_header(cells: list) -> bool:
    """A row under a header's first row that is still header: names, units and 序号 only, no figures."""
    texts = [c for c in cells if not is_blank(c)]
    if not texts or not all(isinstance(c, str) for c in texts):
        return False
    return all(header_field(c) or _unit_only(c) or _serial(c) for c in texts)


def _stacked(rows: list[Row]) -> tuple[dict[str, tuple[int, int]], dict[int, str]]:
    """(field → (column, rank), column → all its header words) of header rows read together."""
    width = max(len(cells) for _, cells in rows)
    found: dict[str, tuple[int, int]] = {}
    words: dict[int, str] = {}
    for index in range(width):
        texts = [cells[index] for _, cells in rows
                 if index < len(cells) and isinstance(cells[index], str) and not is_blank(cells[index])]
        if not texts:
            continue
        words[index] = "".join(texts)
        name = next((header_field(t) for t in reversed(texts) if header_field(t)), None)
        if name is None:
            continue
        rank = min(_rank(t, name) for t in texts if header_field(t) == name)
        if name not in found or rank < found[name][1]:
            found[name] = (index, rank)
    return found, words


def _header_at(scanned: list[Row], position: int):
    """The header starting at this row, as (rows it takes, columns, words), or None. The first row must name a
    field or a 序号 itself (a title line above the table is not part of its header); the rows under it that are
    still header words join it."""
    number, cells = scanned[position]
    if not any(isinstance(c, str) and (header_field(c) or _serial(c)) for c in cells):
        return None
    rows = [scanned[position]]
    for below in scanned[position + 1: position + HEADER_DEPTH]:
        if not _continues_header(below[1]):
            break
        rows.append(below)
    while rows:  # the deepest reading that is a header
        columns, words = _stacked(rows)
        if _is_header(columns):
            return rows, columns, words
        rows = rows[:-1]
    return None


def find_layout(table: Table) -> Layout | None:
    """The layout of a table, or None when no header is among its first rows. The rows after the header stay
    unread (a stream): `layout.rows` continues where the search stopped."""
    scanned: list[Row] = list(islice(table.rows, HEADER_SCAN + HEADER_DEPTH))
    meta_unit, meta_unit_row, meta_period, money_default = "", None, "", WAN
    for position, (number, cells) in enumerate(scanned[:HEADER_SCAN]):
        found = _header_at(scanned, position)
        if found is not None:
            rows, columns, words = found
            header = {name: index for name, (index, _) in columns.items()}
            layout = Layout(table=table, header_row=number, columns=header, meta_unit=meta_unit,
                            meta_unit_row=meta_unit_row, meta_period=meta_period,
                            header_rows=[n for n, _ in rows],
                            header_cells=[{"row": n, "cells": [cell_text(c) for c in row_cells]}
                                          for n, row_cells in rows])
            layout.amount_unit = _money_unit(words[header["amount"]], money_default)
            if "subtotal" in header:
                layout.subtotal_unit = _money_unit(words[header["subtotal"]], layout.amount_unit)
            if "quantity" in header:
                layout.tons_per_quantity = _weight_unit(words[header["quantity"]])
            layout.rows = chain(scanned[position + len(rows):], table.rows)
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
