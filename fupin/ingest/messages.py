"""What an import tells people, in one place: the tests assert on these constants and docs/导入数据.md lists them."""

from dataclasses import dataclass

from fupin.core.errors import UserError
from fupin.reporting import validation as v


class ReadError(UserError):
    """The file as a whole cannot be read (format, size, damage)."""


@dataclass
class Issue:
    """An error or warning about one cell or row. `row` is the row number a person sees (the first row is 1)."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    unit: str | None = None
    severity: str = ""  # 错误 | 警告 | 提示, as the line validator grades it (set by the report when not given)
    rule: str = ""  # the validator's rule code, when the issue is one of its checks

    def as_json(self) -> dict:
        data = {"row": self.row, "column": self.column, "value": self.value, "message": self.message,
                "severity": self.severity}
        if self.rule:
            data["rule"] = self.rule
        if self.unit:
            data["unit"] = self.unit
        return data

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        if self.column:
            where += f"“{self.column}”列"
        shown = f"（{self.value}）" if self.value not in (None, "") else ""
        return f"{where}{shown}：{self.message}"


# Reading the file
FILE_TOO_BIG = "文件大小 {size} MB 超过上限 {limit} MB"
FILE_EMPTY = "文件是空的"
FILE_UNREADABLE = "无法打开文件：{reason}"
UNKNOWN_FORMAT = "无法识别的文件格式：请上传 Excel（.xlsx、.xls）、CSV 或含表格的 Word（.docx）文件"
SPREADSHEET_BROKEN = "Excel 文件已损坏或不完整，无法读取；请在 Excel/WPS 中打开后另存为 .xlsx 再导入"
ENCRYPTED = "文件设置了打开密码；请去掉密码后再导入"
OLD_WORD = "这是旧版 Word（.doc）或其他 Office 文件；请在 Word/WPS 中另存为 .docx 再导入"
CSV_ENCODING = "CSV 文件的编码无法识别：应为 UTF-8 或 GBK/GB18030（Excel、WPS 另存为 CSV 的默认编码）"
CSV_BROKEN = "CSV 文件格式错误（第{row}行）：{reason}"
TOO_MANY_ROWS = "表格超过 {limit} 行；请拆分成几个文件再导入"
TOO_MANY_COLUMNS = "表格超过 {limit} 列，不像是采购统计表"
NO_TABLE = "Word 文档里没有表格"

# Finding the table
NO_HEADER = ("没有找到表头：前 {rows} 行里没有同时写着“金额”和“产品来源（采购渠道）”等列名的一行；"
             "请使用统计表的列名（单位名称、产品名称、产品来源、采购方式、采购时间、数量、金额）")
MISSING_COLUMN = "表头（第{row}行）缺少“{column}”列"
NO_UNIT_COLUMN = "表格没有“单位名称”列，也没有指定单位；请在命令中加 --unit 单位名称，或使用本单位的模板"
PERIOD_MISMATCH = "文件写明的期间“{found}”与导入的期间“{expected}”不一致"
NO_LINES = "表格里没有任何采购明细行"

# Rows. What the line validator also says on the web form is its constant (fupin/reporting/validation.py): one
# message whichever way a line comes in.
AMOUNT_MISSING = v.AMOUNT_MISSING
AMOUNT_NOT_NUMBER = v.AMOUNT_NOT_NUMBER
AMOUNT_NEGATIVE = v.AMOUNT_NEGATIVE
AMOUNT_TOO_FINE = v.AMOUNT_TOO_FINE
AMOUNT_ZERO = "金额为0，已导入；如无此项采购请删除该行"
AMOUNT_HUGE = v.AMOUNT_OVER_CEILING
QUANTITY_NOT_NUMBER = v.QUANTITY_NOT_NUMBER
QUANTITY_NEGATIVE = v.QUANTITY_NEGATIVE
QUANTITY_NOT_WEIGHT = "数量不是重量（吨、公斤），未计入数量，原文记入备注"
QUANTITY_TOO_FINE = v.QUANTITY_TOO_FINE
SOURCE_MISSING = v.SOURCE_MISSING
METHOD_MISSING = v.METHOD_MISSING
METHOD_UNKNOWN = v.METHOD_UNKNOWN
METHOD_NORMALISED = "采购方式按“{method}”导入"
DATE_IMPOSSIBLE = v.DATE_IMPOSSIBLE
DATE_OUTSIDE = v.DATE_OUTSIDE
CHOICE_UNKNOWN = "{column}应为以下之一：{choices}"
TEXT_TOO_LONG = "{column}超过{limit}个字"
UNIT_MISSING = "缺少单位名称"
UNIT_UNKNOWN = "单位不在单位名录中；请核对名称，或由市总在“系统管理”中添加该单位或别名"
UNIT_NOT_ALLOWED = "您没有为该单位导入数据的权限"
UNIT_NOT_THE_ONE = "与指定的单位“{unit}”不一致"
UNIT_CREATED = "单位名录中没有该单位，已新建（--create-units）"
UNIT_WITHOUT_LINES = "该单位没有明细行，未导入（如本期确无采购，请在网页上报零报告）"
AFTER_TOTAL = "该行在“合计”行之后，未作为明细导入；请把明细放在合计行之前"
FORMULA_TEXT = "单元格是公式文本，不会计算；请填写数值"

# Reconciling the table's own sums
SUBTOTAL_DIFFERS = "表中合计 {found} 万元与明细之和 {computed} 万元不一致，以明细为准"
TOTAL_DIFFERS = "表中总计 {found} 万元与明细之和 {computed} 万元不一致，以明细为准"
SUM_NOT_NUMBER = "合计不是数字，未核对"

# Storing
REFUSED_BY_LEDGER = "未能保存：{reason}"
NOTHING_STORED = "文件有 {count} 处错误，整个文件未导入"
