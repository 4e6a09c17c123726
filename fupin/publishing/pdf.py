"""PDF through LibreOffice, when it is installed (optional: the .docx is the circular; the PDF is a courtesy).

The 公文 faces (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312, 宋体) are rarely on a server; soffice runs with
FONTCONFIG_FILE pointing at fonts/fonts.conf, which includes the system's configuration and maps each of them to an
installed face of the same style (serif, sans, kai), so the PDF looks like the document and no root is needed.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from fupin.core.errors import UserError

NO_LIBREOFFICE = "未安装 LibreOffice（soffice），无法生成 PDF；请下载 Word 文件（.docx），或请管理员安装 LibreOffice"
CONVERSION_FAILED = "LibreOffice 转换 PDF 失败：{detail}"
TIMEOUT_S = 180
FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice() is not None


def docx_to_pdf(content: bytes, *, name: str = "circular") -> bytes:
    program = soffice()
    if program is None:
        raise UserError(NO_LIBREOFFICE)
    with tempfile.TemporaryDirectory(prefix="fupin-pdf-") as tmp:
        source = Path(tmp) / f"{name}.docx"
        source.write_bytes(content)
        # A private profile: a second soffice (or a desktop session) holding the default one would block us.
        profile = Path(tmp, "profile").as_uri()
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                 "--outdir", tmp, str(source)], capture_output=True, timeout=TIMEOUT_S, check=False,
                env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)})
        except subprocess.TimeoutExpired:
            raise UserError(CONVERSION_FAILED.format(detail=f"超过{TIMEOUT_S}秒")) from None
        target = Path(tmp) / f"{name}.pdf"
        if not target.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:] or f"退出码{done.returncode}"
            raise UserError(CONVERSION_FAILED.format(detail=detail))
        return target.read_bytes()
