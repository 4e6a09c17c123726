"""A zip (xlsx, docx) is checked before any reader opens it: a few kilobytes can claim gigabytes.

Two attacks are refused here. A zip bomb: entries that expand far beyond the file (declared sizes are summed, then
every entry a reader will parse is actually decompressed and counted, which also checks its CRC). And a sparse
sheet: two cells at A1 and XFD1048576 make calamine allocate the whole rectangle between them, which aborts the
process; so no cell of a worksheet may lie beyond the row and column limits.
"""

import io
import re
import zipfile
import zlib

from fupin.ingest.limits import MB, ReadLimits
from fupin.ingest.messages import ReadError

ZIP_TOO_BIG = "文件解压后超过 {limit} MB（可能是“压缩炸弹”），拒绝读取"
ZIP_TOO_MANY = "文件内部条目过多（超过 {limit} 个），拒绝读取"
ZIP_BROKEN = "文件不完整或已损坏（{kind} 文件是压缩包，解压失败），请重新保存后再导入"
SHEET_TOO_WIDE = "工作表的单元格超出了 {columns} 列，或超出了 {rows} 行的上限，拒绝读取"

# A cell reference with a column from BA on (more than 52 columns) or a row of six digits or more.
_FAR_CELL = re.compile(rb' r="(?:(?:[B-Z][A-Z]|[A-Z]{3})[0-9]+|[A-Z]{1,3}([0-9]{6,}))"')
_PARSED_PARTS = (".xml", ".rels")
# What zipfile raises for a damaged archive, when it opens one and when it reads a part (a garbled header can ask
# for a compression method or a zip version it does not know: NotImplementedError).
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
           RuntimeError)
_CHUNK = 1 * MB


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _BROKEN:
        raise ReadError(ZIP_BROKEN.format(kind=kind)) from None


def check_zip(archive: zipfile.ZipFile, limits: ReadLimits, *, kind: str, sheets_prefix: str = "") -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_zip_entries:
        raise ReadError(ZIP_TOO_MANY.format(limit=limits.max_zip_entries))
    if sum(info.file_size for info in infos) > limits.max_unzipped:
        raise ReadError(ZIP_TOO_BIG.format(limit=limits.max_unzipped // MB))
    total = 0
    for info in infos:
        if not info.filename.endswith(_PARSED_PARTS):
            continue  # images and the like: the readers never open them
        is_sheet = bool(sheets_prefix) and info.filename.startswith(sheets_prefix)
        try:
            with archive.open(info) as part:
                tail = b""
                while chunk := part.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.max_unzipped:
                        raise ReadError(ZIP_TOO_BIG.format(limit=limits.max_unzipped // MB))
                    if is_sheet:
                        _check_cells(tail + chunk, limits)
                        tail = chunk[-24:]
        except ReadError:
            raise
        except _BROKEN:
            raise ReadError(ZIP_BROKEN.format(kind=kind)) from None


def _check_cells(chunk: bytes, limits: ReadLimits) -> None:
    for match in _FAR_CELL.finditer(chunk):
        row = match.group(1)
        if row is None or int(row) > limits.max_rows:
            raise ReadError(SHEET_TOO_WIDE.format(columns=limits.max_columns, rows=limits.max_rows))
