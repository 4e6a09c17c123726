"""Uploads are hostile until proven otherwise: bombs, sparse sheets, damaged and random bytes end in a Chinese
error (a ReadError), never a traceback, an abort or a hang. The readers are fuzzed with hypothesis."""

import io
import zipfile
from datetime import date

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.core.periods import Period
from fupin.ingest import messages as msg
from fupin.ingest.limits import MB, ReadLimits
from fupin.ingest.messages import ReadError
from fupin.ingest.readers import CFB_MAGIC, ENCRYPTED_MARK, read_document
from fupin.ingest.values import CellError, parse_amount, parse_date
from tests.ingest import office_files

LIMITS = ReadLimits(max_bytes=2 * MB, max_rows=5_000, max_unzipped=20 * MB)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


def read_all(data: bytes, limits: ReadLimits = LIMITS) -> int:
    """Read every row of every table, as an import would; the number of rows."""
    document = read_document(data, limits)
    return sum(1 for table in document.tables for _ in table.rows)


def refused_with(data: bytes, limits: ReadLimits = LIMITS) -> str:
    with pytest.raises(ReadError) as caught:
        read_all(data, limits)
    return caught.value.message


def xlsx_bytes(write) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    write(book.add_worksheet())
    book.close()
    return buffer.getvalue()


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "xlsx": office_files.seed_xlsx(folder / "a.xlsx").read_bytes(),
        "csv": office_files.seed_csv(folder / "a.csv").read_bytes(),
        "docx": office_files.seed_docx(folder / "a.docx").read_bytes(),
    }


def test_a_zip_bomb_dressed_as_xlsx_is_refused_before_it_is_expanded():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * MB))
    assert len(buffer.getvalue()) < 200_000
    assert refused_with(buffer.getvalue()) == "文件解压后超过 20 MB（可能是“压缩炸弹”），拒绝读取"


def test_a_bomb_whose_header_lies_about_its_size_is_still_caught():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("word/x.xml", b"a" * (30 * MB))
    data = bytearray(buffer.getvalue())
    # Rewrite the declared sizes (local header and central directory) to a harmless 100 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.rfind(signature)
        data[start + offset:start + offset + 4] = (100).to_bytes(4, "little")
    message = refused_with(bytes(data))
    assert message in ("文件不完整或已损坏（Excel 文件是压缩包，解压失败），请重新保存后再导入",
                       "文件解压后超过 20 MB（可能是“压缩炸弹”），拒绝读取")


def test_a_sparse_sheet_that_would_make_the_reader_allocate_gigabytes_is_refused():
    far_column = xlsx_bytes(lambda s: (s.write(0, 0, "金额"), s.write(1_048_575, 16_383, "x")))
    far_row = xlsx_bytes(lambda s: (s.write(0, 0, "金额"), s.write(300_000, 0, "x")))
    for data in (far_column, far_row):
        assert refused_with(data) == "工作表的单元格超出了 52 列，或超出了 5000 行的上限，拒绝读取"


def test_size_and_row_limits():
    assert refused_with(b"x" * (3 * MB)) == "文件大小 3 MB 超过上限 2 MB"
    many = "\n".join(f"叶县,农户,线下,{i}" for i in range(6_000)).encode()
    assert refused_with(many) == "表格超过 5000 行；请拆分成几个文件再导入"
    wide = (",".join(["1"] * 80)).encode()
    assert refused_with(wide) == "表格超过 52 列，不像是采购统计表"


def test_password_protected_and_old_word_files_say_what_to_do():
    encrypted = CFB_MAGIC + b"\x00" * 500 + ENCRYPTED_MARK + b"\x00" * 500
    assert refused_with(encrypted) == msg.ENCRYPTED
    word97 = CFB_MAGIC + b"\x00" * 500 + "WordDocument".encode("utf-16-le") + b"\x00" * 500
    assert refused_with(word97) == msg.OLD_WORD


@pytest.mark.parametrize("data, message", [
    (b"", msg.FILE_EMPTY), (b"   \n  ", msg.FILE_EMPTY), (b"\x00\x01\x02binary", msg.UNKNOWN_FORMAT),
    (b"PK\x03\x04garbage", "文件不完整或已损坏（Excel/Word 文件是压缩包，解压失败），请重新保存后再导入"),
    (CFB_MAGIC + b"\x00" * 600, msg.SPREADSHEET_BROKEN), (b"\xff\xfe\x00\xd8", msg.CSV_ENCODING),
])
def test_damaged_bytes_end_in_a_clear_message(data, message):
    assert refused_with(data) == message


def test_a_header_asking_for_an_unknown_zip_version_is_refused(seed_files):
    # Found by the fuzzer: one damaged byte in the central directory made zipfile raise NotImplementedError.
    data = bytearray(seed_files["docx"])
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 64  # "version needed to extract": 6.4
    assert refused_with(bytes(data)) == "文件不完整或已损坏（Excel/Word 文件是压缩包，解压失败），请重新保存后再导入"


def test_a_formula_is_never_evaluated():
    # Excel saves a formula with its last value; the reader takes that value and runs nothing.
    data = xlsx_bytes(lambda s: (s.write_row(0, 0, ["产品来源", "采购方式", "金额"]),
                                 s.write_row(1, 0, ["农户", "线下"]), s.write_formula(1, 2, "=1+2", None, 7)))
    rows = [cells for table in read_document(data, LIMITS).tables for _, cells in table.rows]
    assert rows[1][2] == 7
    with pytest.raises(CellError, match="公式"):
        parse_amount("=1+2")  # a CSV cell with a formula stays text


@pytest.mark.parametrize("kind", ["xlsx", "docx", "csv"])
def test_every_truncation_of_a_real_file_reads_or_is_refused(seed_files, kind):
    data = seed_files[kind]
    for cut in sorted({1, 2, 4, 100, len(data) // 3, len(data) // 2, len(data) - 22, len(data) - 1}):
        try:
            read_all(data[:cut])
        except ReadError:
            pass


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes_read_or_are_refused(data):
    try:
        read_all(data)
    except ReadError:
        pass


@FUZZ
@given(kind=st.sampled_from(["xlsx", "docx", "csv"]), position=st.floats(0, 1), garbage=st.binary(min_size=1,
                                                                                                   max_size=64))
def test_damaged_real_files_read_or_are_refused(seed_files, kind, position, garbage):
    data = seed_files[kind]
    at = int(position * (len(data) - 1))
    try:
        read_all(data[:at] + garbage + data[at + len(garbage):])
    except ReadError:
        pass


@FUZZ
@given(zip_entries=st.lists(st.tuples(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                                       "xl/sharedStrings.xml", "[Content_Types].xml",
                                                       "word/document.xml", "xl/_rels/workbook.xml.rels"]),
                                      st.binary(max_size=300)), max_size=5, unique_by=lambda e: e[0]))
def test_random_zip_contents_read_or_are_refused(zip_entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in zip_entries:
            archive.writestr(name, content)
    try:
        read_all(buffer.getvalue())
    except ReadError:
        pass


@FUZZ
@given(text=st.text(max_size=40))
def test_any_text_is_an_amount_or_a_reason(text):
    try:
        assert parse_amount(text) >= 0
    except CellError as exc:
        assert exc.message


@FUZZ
@given(value=st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers(-10**12, 10**12)))
def test_any_value_is_a_date_in_the_period_or_a_reason(value):
    period = Period.parse("2020-01:2020-10")
    try:
        day = parse_date(value, period)
        assert day is None or date(2020, 1, 1) <= day <= date(2020, 10, 31)
    except CellError as exc:
        assert exc.message


CELLS = st.one_of(
    st.sampled_from(["单位名称", "产品来源", "采购方式", "金额（元）", "金额", "合计", "小计", "数量（公斤）", "采购时间",
                     "叶县", "郟县", "火星区", "农户", "832平台", "线上", "线下", "线上线下", "合计", "10月14日",
                     "2020-02-30", "1,250.00", "12.5万元", "-1", "abc", "", "填表人：王芳", "消费类型", "职工疗休养"]),
    st.text(max_size=8), st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str))


@FUZZ
@given(rows=st.lists(st.lists(CELLS, max_size=9), max_size=25))
def test_any_table_of_office_words_imports_or_is_refused_row_by_row(db, rows):
    import csv

    from fupin.ingest.context import ImportContext, ImportOptions
    from fupin.ingest.importer import import_bytes

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    options = ImportOptions(period=Period.parse("2020-01:2020-10"), by=None, dry_run=True, limits=LIMITS)
    report = import_bytes(buffer.getvalue().encode("gbk", "replace"), name="x.csv", options=options,
                          context=ImportContext())
    assert report.ok or report.errors
    assert report.imported == (report.lines if report.ok else 0)
