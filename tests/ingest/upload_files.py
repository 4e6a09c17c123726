"""Filling the downloaded template as a reporter would: the template's own file with lines typed into it."""

import io
import re
import zipfile
from xml.sax.saxutils import escape

from fupin.ingest.template_xlsx import FIRST_INPUT_ROW

COLUMNS = "ABCDEFGHI"


def _cell(ref: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def fill_template(template: bytes, lines: list[list]) -> bytes:
    """Type `lines` (产品名称, 产品来源, 采购方式, 采购时间, 数量, 金额, …) into the template's first input rows."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                for i, values in enumerate(lines):
                    number = FIRST_INPUT_ROW + 1 + i
                    cells = "".join(_cell(f"{COLUMNS[c]}{number}", v) for c, v in enumerate(values) if v != "")
                    xml, count = re.subn(rf'<row r="{number}"[^>]*?(/>|>.*?</row>)',
                                         f'<row r="{number}">{cells}</row>', xml, count=1, flags=re.S)
                    assert count == 1
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()
