"""The unit's template (.xlsx): unit and period filled in above a protected header, dropdown lists for 产品来源 and
采购方式 from the taxonomy, and room for 500 lines. Uploaded back, the import reads the unit and period from it."""

import io

from fupin.core.periods import Period
from fupin.core.safe_files import merge_cell, workbook, write_cell, write_column, write_row, write_text
from fupin.quality.models import Channel
from fupin.reporting.models import ConsumptionType, Method, Purpose
from fupin.units.models import Unit

HEADERS = ["产品名称", "产品来源\n（采购渠道）", "采购方式", "采购时间", "数量\n（吨）", "金额\n（万元）", "消费类型", "用途",
           "备注"]
WIDTHS = [18, 26, 10, 13, 9, 11, 14, 12, 24]
INPUT_ROWS = 500
FIRST_INPUT_ROW = 3  # 0-based: title, unit and period, header
GUIDE = [
    "填表说明",
    "1. 每一笔（或每一类）采购填一行；同一来源、同一方式的可合并为一行。",
    "2. 产品来源：从下拉列表中选择最接近的标准渠道；列表里没有的，可以直接填写实际来源（如“某某合作社”），市总审核归类。",
    "3. 采购方式：只能填“线上”或“线下”。",
    "4. 采购时间：如 2020-10-14、2020年10月14日；只知道月份的可填“10月”。须在本表的统计期间内。",
    "5. 数量以吨计（可写“500公斤”，系统自动换算）；不是重量的（如“20箱”）写在备注里。",
    "6. 金额以万元计，填数字（如 12.5），保留到分即可；不要填公式。",
    "7. 表头和第1、2行已锁定，请勿修改；可以增加行。",
    "8. 填好后在系统“导入”页面上传本文件，先预览检查，确认后才保存。",
]


def template_xlsx(*, unit: Unit, period: Period) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("填报")
    options = book.add_worksheet("选项")
    guide = book.add_worksheet("填表说明")
    locked = {"font_name": "宋体", "font_size": 11, "border": 1, "valign": "vcenter"}
    title = book.add_format({"font_name": "黑体", "font_size": 16, "align": "center", "valign": "vcenter"})
    meta = book.add_format({"font_name": "宋体", "font_size": 11, "bold": True})
    head = book.add_format({**locked, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"})
    cell = book.add_format({**locked, "locked": False})
    money = book.add_format({**locked, "locked": False, "num_format": "0.00####"})
    day = book.add_format({**locked, "locked": False, "num_format": "yyyy-mm-dd"})
    label = period.label() if period.first.year != period.last.year else f"{period.first.year}年{period.label()}"
    merge_cell(sheet, 0, 0, 0, len(HEADERS) - 1, f"{unit.display_name}{label}消费扶贫统计表", title)
    sheet.set_row(0, 30)
    write_text(sheet, 1, 0, f"填报单位：{unit.display_name}", meta)
    write_text(sheet, 1, 3, f"统计期间：{period}", meta)
    write_row(sheet, 2, 0, HEADERS, head)
    sheet.set_row(2, 34)
    for column, width in enumerate(WIDTHS):
        sheet.set_column(column, column, width, day if column == 3 else money if column in (4, 5) else cell)
    for row in range(FIRST_INPUT_ROW, FIRST_INPUT_ROW + INPUT_ROWS):
        write_cell(sheet, row, 0, None, cell)
    sources = list(Channel.objects.filter(active=True).order_by("order", "code").values_list("name", flat=True))
    lists = {"产品来源": sources, "采购方式": list(Method.values), "消费类型": list(ConsumptionType.values),
             "用途": list(Purpose.values)}
    for column, (name, values) in enumerate(lists.items()):
        write_text(options, 0, column, name)
        write_column(options, 1, column, values)
    options.hide()
    last = FIRST_INPUT_ROW + INPUT_ROWS - 1
    _dropdown(sheet, 1, last, f"=选项!$A$2:$A${len(sources) + 1}", strict=False,
              message="可从列表选择标准渠道，也可直接填写实际来源")
    _dropdown(sheet, 2, last, "=选项!$B$2:$B$3", strict=True, message="只能填“线上”或“线下”")
    _dropdown(sheet, 6, last, f"=选项!$C$2:$C${len(ConsumptionType.values) + 1}", strict=True, message="")
    _dropdown(sheet, 7, last, f"=选项!$D$2:$D${len(Purpose.values) + 1}", strict=True, message="")
    sheet.data_validation(FIRST_INPUT_ROW, 5, last, 5, {
        "validate": "decimal", "criteria": ">=", "value": 0, "error_title": "金额",
        "error_message": "金额填数字（万元），不能为负数"})
    sheet.freeze_panes(FIRST_INPUT_ROW, 0)
    sheet.protect("", {"insert_rows": True, "delete_rows": True, "format_columns": True, "sort": True,
                       "autofilter": True})
    guide.set_column(0, 0, 110)
    for row, text in enumerate(GUIDE):
        write_text(guide, row, 0, text, meta if row == 0 else None)
    sheet.activate()
    book.close()
    return buffer.getvalue()


def _dropdown(sheet, column: int, last: int, source: str, *, strict: bool, message: str) -> None:
    rule = {"validate": "list", "source": source, "error_type": "stop" if strict else "information",
            "error_title": "请从列表选择"}
    if message:
        rule["error_message"] = message
        rule["input_message"] = message
    sheet.data_validation(FIRST_INPUT_ROW, column, last, column, rule)
