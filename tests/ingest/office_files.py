"""The seed's attachment table written the way offices save it: xlsx with merged cells and a title, .xls (made
from the xlsx by LibreOffice), GBK CSV, and a Word table. Built from `seed_rows()`, the seed as published."""

import csv
import io
import os
import shutil
import subprocess
import tempfile
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from docx import Document

from fupin.site.seed import seed_rows

TITLE = "平顶山市工会系统1—10月消费扶贫统计"
HEADERS = ["单位名称", "产品名称", "产品来源\n（采购渠道）", "采购方式", "采购时间", "数量\n(单位：吨)",
           "金额\n（单位：万元）", "合计\n(单位：万元)"]


def seed_groups() -> "OrderedDict[str, list]":
    groups: OrderedDict[str, list] = OrderedDict()
    for row in seed_rows():
        groups.setdefault(row.unit, [])
        if row.amount:
            groups[row.unit].append(row)
    return groups


def subtotal(rows) -> str:
    """As the office's table shows it: 2 places, rounded half up."""
    return str(sum((Decimal(r.amount) for r in rows), Decimal(0)).quantize(Decimal("0.01")))


def seed_total() -> str:
    return subtotal([r for rows in seed_groups().values() for r in rows])


def _amount_cell(index: int, amount: str):
    """Most amounts are numbers; some were typed as text, as people do."""
    if index % 7 == 3:
        return f"{amount}万元"
    if index % 7 == 5:
        return f" {amount} "
    return float(amount)


def seed_xlsx(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("附件")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    wrap = book.add_format({"text_wrap": True, "border": 1, "align": "center", "valign": "vcenter"})
    cell = book.add_format({"border": 1})
    sheet.merge_range(0, 0, 0, 7, TITLE, title)
    sheet.write(1, 6, "填报时间：2020年10月27日")
    sheet.write_row(2, 0, HEADERS, wrap)
    r, index = 3, 0
    for number, (unit, rows) in enumerate(seed_groups().items()):
        if number and number % 5 == 0:
            r += 1  # a blank row between some groups, as in the circular
        shown = rows or [None]
        for i, row in enumerate(shown):
            if row is None:
                sheet.write_row(r + i, 1, [""] * 6, cell)
                continue
            sheet.write_row(r + i, 1, [row.product, row.source, row.method, ""], cell)
            value = _amount_cell(index, row.amount)
            index += 1
            (sheet.write_number if isinstance(value, float) else sheet.write_string)(r + i, 6, value, cell)
        last = r + len(shown) - 1
        total = float(subtotal(rows)) if rows else 0
        if last > r:
            sheet.merge_range(r, 0, last, 0, unit, wrap)
            sheet.merge_range(r, 7, last, 7, total, wrap)
        else:
            sheet.write(r, 0, unit, wrap)
            sheet.write_number(r, 7, total, wrap)
        r = last + 1
    sheet.write(r, 0, "合计", wrap)
    sheet.write_number(r, 7, float(seed_total()), wrap)
    sheet.write(r + 2, 0, "填表人：王芳    联系电话：0375-2123456")
    book.close()
    return path


def seed_xls(xlsx: Path, folder: Path) -> Path:
    """LibreOffice converts the xlsx, as an office saving "Excel 97-2003" would (make system-deps installs it)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("需要 LibreOffice（soffice）来制作 .xls 测试文件：运行 make system-deps")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xls",
                        "--outdir", str(folder), str(xlsx)], check=True, capture_output=True, timeout=180,
                       env=os.environ | {"HOME": profile})
    return folder / (xlsx.stem + ".xls")


def seed_csv(path: Path, encoding: str = "gbk") -> Path:
    """Chinese Excel's "CSV (逗号分隔)": GBK, the unit and the subtotal on a group's first row only."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([TITLE] + [""] * 7)
    writer.writerow([h.replace("\n", "") for h in HEADERS])
    index = 0
    for unit, rows in seed_groups().items():
        if not rows:
            writer.writerow([unit, "", "", "", "", "", "", "0"])
        for i, row in enumerate(rows):
            amount = _amount_cell(index, row.amount)
            index += 1
            writer.writerow([unit if i == 0 else "", row.product, row.source, row.method, "", "",
                             amount if isinstance(amount, str) else row.amount, subtotal(rows) if i == 0 else ""])
        writer.writerow([])
    writer.writerow(["合计", "", "", "", "", "", "", seed_total()])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def seed_docx(path: Path) -> Path:
    """The attachment as a Word table: title paragraph, merged unit and subtotal cells, 合计 row."""
    document = Document()
    document.add_paragraph("附件")
    document.add_paragraph(TITLE)
    groups = seed_groups()
    height = 2 + sum(max(1, len(rows)) for rows in groups.values())
    table = document.add_table(rows=height, cols=8)
    cells = [row.cells for row in table.rows]
    for c, name in enumerate(HEADERS):
        cells[0][c].text = name
    r, index, spans = 1, 0, []
    for unit, rows in groups.items():
        shown = rows or [None]
        for i, row in enumerate(shown):
            if row is not None:
                amount = _amount_cell(index, row.amount)
                index += 1
                for c, value in enumerate([row.product, row.source, row.method, "", "",
                                           amount if isinstance(amount, str) else row.amount], start=1):
                    cells[r + i][c].text = value
        cells[r][0].text = unit
        cells[r][7].text = subtotal(rows) if rows else "0"
        spans.append((r, r + len(shown) - 1))
        r += len(shown)
    cells[r][0].text = "合计"
    cells[r][7].text = seed_total()
    for first, last in spans:
        if last > first:
            cells[first][0].merge(cells[last][0])
            cells[first][7].merge(cells[last][7])
    cells[r][0].merge(cells[r][6])
    document.save(str(path))
    return path
