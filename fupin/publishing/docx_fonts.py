"""python-docx helpers for Chinese fonts: Word needs the East Asian font named separately."""

from docx.oxml.ns import qn
from docx.shared import Pt


def set_run_font(run, name: str, size_pt: float | None = None, *, bold: bool = False, color=None) -> None:
    run.font.name = name
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size_pt:
        run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
