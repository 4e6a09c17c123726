"""Nothing a reporter types becomes a formula in a file the system writes (CSV/formula injection).

Hostile texts go in through the web form and through `fupin import`, a unit's name begins with "=", and then every
spreadsheet the system can write is opened with openpyxl: no formula cell, the texts still readable, figures
still number cells. EXPORTS below is the list of those writers; a test holds that every download URL and every
`fupin report` is on it, and another that nothing but fupin/core/safe_files.py touches a spreadsheet writer.
"""

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fupin.core import safe_files
from fupin.publishing.reports import REPORTS
from fupin.reporting.models import PurchaseLine
from tests.factories import PASSWORD
from tests.ingest.conftest import run_import

PERIOD = "2020-11"
HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=2+2",  # not "=1+1" again: once the CR is trimmed, a duplicate line would hold up the submission
]
HOSTILE_UNIT = '=HYPERLINK("http://evil.example","叶县")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Every spreadsheet or CSV the system writes, by how it is asked for. A new export goes here (the registry
# tests below fail until it does). Each carries the unit's name; LINE_TEXTS also carry the lines' texts.
EXPORTS = {
    "report attachment --format xlsx": lambda client, env: _report_file(env, "attachment", "--format", "xlsx"),
    "web attachment download.xlsx": lambda client, env: _get(client, reverse(
        "publishing:attachment_download", args=["xlsx"]), {"period": PERIOD}),
    "web pivot.xlsx": lambda client, env: [_get(client, reverse("publishing:pivot_export"),
                                                {"period": PERIOD, "rows": "unit", "cols": cols})
                                           for cols in ("", "method", "channel", "kind", "type", "month")],
    "web import template.xlsx": lambda client, env: _get(client, reverse("ingest:template"),
                                                         {"unit": env["unit"].pk, "period": PERIOD}),
    "web roster passwords.xlsx": lambda client, env: _roster_passwords(client, env),
    "web ledger export.xlsx": lambda client, env: _streamed(client, reverse("insights:ledger_export", args=["xlsx"]),
                                                            {"period": PERIOD}),
}
LINE_TEXTS = {"report attachment --format xlsx", "web attachment download.xlsx", "web ledger export.xlsx"}
# Download URLs and reports whose files carry no spreadsheet (JSON, text, Word, PDF, PNG, the attached originals).
NOT_SPREADSHEETS = {"publishing:chart", "publishing:circular_download", "publishing:circular_version_download",
                    "policy:compliance_download",
                    "reporting:file_download", "report circular", "report compliance", "report timeliness"}
COVERED = {"publishing:attachment_download", "publishing:pivot_export", "ingest:template", "report attachment",
           "accounts:roster_passwords",
           "insights:ledger_export"}  # the ledger's CSV is checked in tests/insights/test_ledger_export.py


def _get(client, url: str, params: dict) -> bytes:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.content[:300])
    assert "no-store" in response.get("Cache-Control", ""), "a file with figures must not stay in a cache"
    return response.content


def _roster_passwords(client, env) -> bytes:
    """A roster whose person's name starts a formula, at the unit named with one: the initial-passwords file."""
    from fupin.site.models import PasswordHandout
    from tests.factories import roster_xlsx

    path = roster_xlsx(env["tmp"] / "名单.xlsx", rows=[[HOSTILE_UNIT, HOSTILE[0], "13812345678", "", "填报员"]])
    with open(path, "rb") as f:
        assert client.post(reverse("accounts:roster"), {"file": f}).status_code == 200
    token = PasswordHandout.objects.latest("pk").token
    return _get(client, reverse("accounts:roster_passwords", args=[token]), {})


def _streamed(client, url: str, params: dict) -> bytes:
    """A download too large to build in memory (the ledger export) comes as a stream."""
    response = client.get(url, params)
    assert response.status_code == 200 and response.streaming, (url, params)
    assert "no-store" in response.get("Cache-Control", ""), "a file with figures must not stay in a cache"
    return b"".join(response.streaming_content)


def _report_file(env, *args) -> bytes:
    path = env["tmp"] / f"{args[0]}.xlsx"
    call_command("report", *args, "--period", PERIOD, "-o", str(path), stderr=io.StringIO())
    return path.read_bytes()


def _messy_csv(path: Path) -> Path:
    """Chinese Excel's CSV of the attachment (GBK, a title row, a blank row, a total row), hostile texts in it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["舞钢市消费扶贫统计表", "", "", "", "", "", "", ""])
    writer.writerow(["单位名称", "产品名称", "产品来源", "采购方式", "采购时间", "数量（单位：吨）", "金额（单位：万元）",
                     "合计（单位：万元）"])
    for i, text in enumerate(HOSTILE):
        writer.writerow(["舞钢市" if i == 0 else "", text, text, "线下", "2020-11-0" + str(i + 1), "", "0.5", ""])
    writer.writerow([])
    writer.writerow(["合计", "", "", "", "", "", "", "3.5"])
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


@pytest.fixture
def hostile_ledger(personas, client, tmp_path):
    """Hostile texts through the line form (叶县) and an import (舞钢市), both reports submitted, then 叶县 renamed
    to a name beginning with "="."""
    p = personas
    assert client.login(username=p.reporter.username, password=PASSWORD)
    base = {"unit_id": p.unit.pk, "period": PERIOD}
    client.post(reverse("reporting:start", kwargs=base))
    for text in HOSTILE:
        response = client.post(reverse("reporting:line_add", kwargs=base), {
            "product": text, "source_text": text, "method": "线下", "amount_wan": "1.25", "note": text}, follow=True)
        assert "已添加一条明细" in response.content.decode(), text
    client.logout()
    assert client.login(username=p.approver.username, password=PASSWORD)
    client.post(reverse("reporting:sign_off", kwargs=base))
    client.logout()
    assert client.login(username=p.reporter.username, password=PASSWORD)
    assert "已上报市总" in client.post(reverse("reporting:submit", kwargs=base), follow=True).content.decode()
    client.logout()
    reports, error = run_import(_messy_csv(tmp_path / "舞钢市.csv"), "--period", PERIOD)
    assert error is None and reports[0]["imported"] == len(HOSTILE), reports
    stored = set(PurchaseLine.objects.values_list("product", flat=True))
    assert {t.strip() for t in HOSTILE} <= {s.strip() for s in stored}, "the hostile texts are kept as typed"
    p.unit.__class__.objects.filter(pk=p.unit.pk).update(name=HOSTILE_UNIT, short_name=HOSTILE_UNIT)
    assert client.login(username=p.admin.username, password=PASSWORD)
    return {"client": client, "unit": p.unit, "tmp": tmp_path}


def _cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell


def test_no_export_holds_a_formula_and_hostile_texts_stay_readable(hostile_ledger):
    env = hostile_ledger
    for name, produce in EXPORTS.items():
        files = produce(env["client"], env)
        for content in files if isinstance(files, list) else [files]:
            cells = list(_cells(content))
            formulas = [(s, c.coordinate, c.value) for s, c in cells if c.data_type == "f"]
            assert not formulas, f"{name}: formula cells {formulas}"
            texts = {c.value.strip() for _, c in cells if c.data_type == "s"}
            numbers = [c.value for _, c in cells if c.data_type == "n"]
            if name in LINE_TEXTS:
                assert {t.strip() for t in HOSTILE} <= texts, f"{name}: hostile texts not readable as text"
            if name != "web import template.xlsx":
                assert numbers and all(isinstance(v, int | float) for v in numbers), f"{name}: figures are numbers"
            assert any(HOSTILE_UNIT in t for t in texts), f"{name}: the unit's name is not there as text"


def test_attachment_figures_stay_numbers_with_the_exact_rounded_value(hostile_ledger):
    content = EXPORTS["report attachment --format xlsx"](None, hostile_ledger)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    amounts = [row[6].value for row in sheet.iter_rows(min_row=3) if row[0].value != "合计" and row[6].value]
    assert amounts and all(isinstance(a, float) and f"{a:.2f}" in ("1.25", "0.50") for a in amounts)
    total = next(row[7] for row in sheet.iter_rows(min_row=3) if row[0].value == "合计")
    assert total.data_type == "n"


def test_every_spreadsheet_download_and_report_is_on_the_export_list():
    """A new download URL or `fupin report` must be named here: on EXPORTS (and checked above) or as not a
    spreadsheet."""
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = str(entry.pattern)
                if any(mark in route for mark in ("download", ".xlsx", ".csv", ".png", "export", "chart")):
                    names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns)
    names |= {f"report {name}" for name in REPORTS}
    assert names - COVERED - NOT_SPREADSHEETS == set(), "new export: add it to EXPORTS or NOT_SPREADSHEETS"


WRITERS = {"xlsxwriter", "openpyxl", "xlwt", "pyexcelerate", "pandas"}


def test_no_module_but_safe_files_writes_spreadsheets_or_csv():
    package = Path(safe_files.__file__).resolve().parents[1]
    offenders = []
    for path in package.rglob("*.py"):
        if path.name == "safe_files.py" and path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                offenders += [(path, a.name) for a in node.names if a.name.split(".")[0] in WRITERS]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in WRITERS:
                offenders.append((path, node.module))
            elif isinstance(node, ast.ImportFrom) and node.module == "csv" and \
                    {a.name for a in node.names} & {"writer", "DictWriter"}:
                offenders.append((path, "csv.writer"))
            elif isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") and \
                    isinstance(node.value, ast.Name) and node.value.id == "csv":
                offenders.append((path, "csv.writer"))
    assert not offenders, f"write spreadsheets and CSV through fupin.core.safe_files: {offenders}"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_text_that_starts_a_formula_is_prefixed_and_numbers_are_left_alone(encoding):
    rows = [["单位", "产品", "金额"], *[["=叶县", text, Decimal("1.25")] for text in HOSTILE], ["合计", "", 7]]
    content = safe_files.csv_bytes(rows, encoding=encoding)
    if encoding == "utf-8":
        assert content.startswith(b"\xef\xbb\xbf"), "Excel reads UTF-8 only with a BOM"
    read = list(csv.reader(io.StringIO(content.decode("utf-8-sig" if encoding == "utf-8" else "gbk"), newline="")))
    assert len(read) == len(rows)
    for got, typed in zip(read[1:-1], HOSTILE, strict=True):
        assert got == ["'=叶县", "'" + typed, "1.25"]
    assert read[-1] == ["合计", "", "7"]
    assert not [cell for row in read for cell in row if cell.startswith(FORMULA_STARTS)]


def test_csv_in_gbk_names_the_cell_it_cannot_hold():
    from fupin.core.errors import UserError

    with pytest.raises(UserError, match="第2行第1列的“𠮷野家”含有GBK编码无法表示的字符"):
        safe_files.csv_bytes([["单位"], ["𠮷野家"]], encoding="gbk")


def test_xlsx_cells_written_through_the_plain_write_call_stay_text():
    """Even a sheet.write() someone adds later cannot make a formula or a link: the workbook refuses to."""
    buffer = io.BytesIO()
    book = safe_files.workbook(buffer)
    sheet = book.add_worksheet()
    for r, text in enumerate([*HOSTILE, "http://evil.example", "0012"]):
        sheet.write(r, 0, text)
    book.close()
    cells = [row[0] for row in openpyxl.load_workbook(buffer).active.iter_rows()]
    assert [c.data_type for c in cells] == ["s"] * len(cells) and not openpyxl.load_workbook(buffer).active._hyperlinks
    # xlsx stores a CR as the escape _x000D_, which Excel reads back as the CR (openpyxl leaves it as written).
    assert [c.value.replace("_x000D_", "\r") for c in cells] == [*HOSTILE, "http://evil.example", "0012"]
