"""Reading what units send: xlsx and xls (python-calamine), CSV in the encodings Chinese office software saves,
and the tables of a Word .docx. Each gives tables of rows numbered as a person sees them (the first row is 1).

The format is told by the bytes, not the file name: a .xls that is really a .xlsx still reads. Anything that goes
wrong ends in a ReadError with a Chinese message; no reader evaluates a formula (calamine gives the value Excel
saved with it; a CSV cell "=1+2" stays text).
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import python_calamine
from lxml import etree

from fupin.ingest import messages as msg
from fupin.ingest.limits import MB, ReadLimits
from fupin.ingest.messages import ReadError
from fupin.ingest.zipguard import check_zip, open_zip

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files (.xls, .doc) and password-protected ones
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")  # names of streams inside an old Office file
WORD_MARK = "WordDocument".encode("utf-16-le")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

Row = tuple[int, list]


@dataclass
class Table:
    label: str  # where in the file: 工作表“附件”, 第1个表格
    rows: Iterator[Row]


@dataclass
class Document:
    kind: str  # xlsx, xls, csv, docx
    tables: Iterator[Table]


def read_document(data: bytes, limits: ReadLimits) -> Document:
    if len(data) > limits.max_bytes:
        raise ReadError(msg.FILE_TOO_BIG.format(size=_mb(len(data)), limit=_mb(limits.max_bytes)))
    if not data.strip():
        raise ReadError(msg.FILE_EMPTY)
    if data.startswith(ZIP_MAGIC):
        archive = open_zip(data, "Excel/Word")
        names = set(archive.namelist())
        if "word/document.xml" in names:
            check_zip(archive, limits, kind="Word")
            return Document("docx", iter(_docx_tables(archive, limits)))
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            check_zip(archive, limits, kind="Excel", sheets_prefix="xl/worksheets/")
            return Document("xlsx", _spreadsheet_tables(data, limits))
        raise ReadError(msg.UNKNOWN_FORMAT)
    if data.startswith(CFB_MAGIC):
        if ENCRYPTED_MARK in data:
            raise ReadError(msg.ENCRYPTED)
        if WORD_MARK in data:
            raise ReadError(msg.OLD_WORD)
        return Document("xls", _spreadsheet_tables(data, limits))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and not utf16_guess(data):
        raise ReadError(msg.UNKNOWN_FORMAT)
    return Document("csv", iter([Table("CSV", _csv_rows(data, limits))]))


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".rstrip("0").rstrip(".")


# Spreadsheets -------------------------------------------------------------------------------------------------

def _calamine_call(function, *args):
    """Calamine raises its own errors, and a Rust panic arrives as a BaseException: all end as a ReadError."""
    try:
        return function(*args)
    except python_calamine.PasswordError:
        raise ReadError(msg.ENCRYPTED) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: B036 - pyo3's PanicException derives from BaseException
        if isinstance(exc, ReadError):
            raise
        raise ReadError(msg.SPREADSHEET_BROKEN) from None


def _spreadsheet_tables(data: bytes, limits: ReadLimits) -> Iterator[Table]:
    book = _calamine_call(python_calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
    names = _calamine_call(lambda: book.sheet_names)
    if not names:
        raise ReadError(msg.SPREADSHEET_BROKEN)
    for index, name in enumerate(names):
        sheet = _calamine_call(book.get_sheet_by_index, index)
        if sheet.width > limits.max_columns:
            raise ReadError(msg.TOO_MANY_COLUMNS.format(limit=limits.max_columns))
        if sheet.total_height > limits.max_rows:
            raise ReadError(msg.TOO_MANY_ROWS.format(limit=limits.max_rows))
        yield Table(f"工作表“{name}”", _sheet_rows(sheet))


def _sheet_rows(sheet) -> Iterator[Row]:
    # iter_rows starts at the sheet's first row (row 1), whatever its first used row; columns start at the
    # first used column, which does not matter: columns are found by their header.
    yield from enumerate(_calamine_call(sheet.iter_rows), start=1)


# CSV ----------------------------------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text") or without one, else GB18030, which
    covers GBK."""
    guessed = utf16_guess(data)
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif guessed:
        encodings = (guessed,)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(msg.CSV_ENCODING)


def utf16_guess(data: bytes) -> str | None:
    """UTF-16 saved without a BOM (some export tools, "Unicode text" re-saved): the zero bytes of its ASCII
    characters (tabs, digits, line ends) all fall on odd positions (little-endian) or all on even ones; a binary
    file's do not, and its decoded text would hold control characters."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 2]
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    if odd and not even:
        encoding = "utf-16-le"
    elif even and not odd:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        return None
    if any(ch < " " and ch not in "\t\r\n" for ch in text) or not any(ch in "\t,\n" for ch in text):
        return None
    return encoding


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        return csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel


def _csv_rows(data: bytes, limits: ReadLimits) -> Iterator[Row]:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text[:8192]))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise ReadError(msg.TOO_MANY_ROWS.format(limit=limits.max_rows))
            if len(cells) > limits.max_columns:
                if any(cells[limits.max_columns:]):
                    raise ReadError(msg.TOO_MANY_COLUMNS.format(limit=limits.max_columns))
                cells = cells[:limits.max_columns]
            yield number, cells
    except csv.Error as exc:
        raise ReadError(msg.CSV_BROKEN.format(row=number + 1, reason=str(exc))) from None


# Word ---------------------------------------------------------------------------------------------------------

def _docx_tables(archive, limits: ReadLimits) -> list[Table]:
    """Top-level tables of the document body, read as a stream. Merged cells give their text once (the first
    cell of the span), as a spreadsheet does; nested tables are skipped."""
    tables: list[list[Row]] = []
    depth, count = 0, 0
    parser_args = {"events": ("start", "end"), "tag": (W + "tbl", W + "tr"), "resolve_entities": False,
                   "huge_tree": False, "no_network": True, "load_dtd": False}
    try:
        with archive.open("word/document.xml") as stream:
            for event, element in etree.iterparse(stream, **parser_args):
                if element.tag == W + "tbl":
                    depth += 1 if event == "start" else -1
                    if event == "start" and depth == 1:
                        tables.append([])
                    continue
                if event != "end" or depth != 1:
                    continue
                count += 1
                if count > limits.max_rows:
                    raise ReadError(msg.TOO_MANY_ROWS.format(limit=limits.max_rows))
                tables[-1].append((len(tables[-1]) + 1, _docx_cells(element, limits)))
                element.clear()
    except etree.LxmlError:
        raise ReadError(msg.SPREADSHEET_BROKEN.replace("Excel", "Word").replace(".xlsx", ".docx")) from None
    if not tables:
        raise ReadError(msg.NO_TABLE)
    return [Table(f"第{i}个表格", iter(rows)) for i, rows in enumerate(tables, start=1)]


def _docx_cells(tr, limits: ReadLimits) -> list:
    cells: list = []
    for tc in tr.iterchildren(W + "tc", W + "sdt"):
        if tc.tag == W + "sdt":  # a content control wrapping cells
            inner = tc.find(f"{W}sdtContent")
            tcs = [] if inner is None else list(inner.iterchildren(W + "tc"))
        else:
            tcs = [tc]
        for cell in tcs:
            props = cell.find(f"{W}tcPr")
            span, continued = 1, False
            if props is not None:
                grid = props.find(f"{W}gridSpan")
                if grid is not None:
                    span = _int(grid.get(f"{W}val"), 1)
                merge = props.find(f"{W}vMerge")
                continued = merge is not None and merge.get(f"{W}val", "continue") == "continue"
            text = "" if continued else "\n".join(
                "".join(t.text or "" for t in p.iter(W + "t")) for p in cell.iterchildren(W + "p"))
            cells.append(text.strip())
            cells.extend([""] * (min(span, limits.max_columns) - 1))
            if len(cells) > limits.max_columns:
                raise ReadError(msg.TOO_MANY_COLUMNS.format(limit=limits.max_columns))
    return cells


def _int(text, default: int) -> int:
    try:
        return max(1, int(text))
    except (TypeError, ValueError):
        return default
