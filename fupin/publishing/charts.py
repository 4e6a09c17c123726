"""Charts as PNG images for the circular and for print: matplotlib (Agg) with a CJK font from the system's
packages (Debian's fonts-noto-cjk or fonts-wqy-microhei), so no character is drawn as a box.

matplotlib is imported when the first chart is drawn, not when this module is (every `fupin` command loads the
URLs, and with them this module: importing matplotlib there cost each one about half a second)."""

import io
import warnings
from functools import cache

from fupin.core.errors import UserError
from fupin.core.money import wan_display

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback")
NO_CJK_FONT = "找不到中文字体，无法绘制图表；请安装 fonts-noto-cjk（或 fonts-wqy-microhei）软件包"
COLORS = ["#c00000", "#e46c0a", "#f2b400", "#5b9bd5", "#70ad47", "#7f6084", "#4bacc6", "#a5a5a5", "#9e480e",
          "#264478", "#636363", "#997300", "#43682b"]


@cache
def _font_manager():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    return font_manager


def _find_cjk(font_manager):
    names = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return font_manager.FontProperties(fname=names[family])
    for entry in font_manager.fontManager.ttflist:  # any other font that says it is CJK
        if "CJK" in entry.name or "Hei" in entry.name:
            return font_manager.FontProperties(fname=entry.fname)
    return None


@cache
def _rebuild_font_list(font_manager) -> None:  # once a process: without any CJK font it would cost each chart ~1 s
    font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)


@cache
def cjk_font():
    """The first installed CJK family matplotlib knows of. matplotlib keeps its font list in a cache file
    (~/.cache/matplotlib, or MPLCONFIGDIR) written the first time any program used it: one written before
    fonts-noto-cjk was installed knows no CJK font. Then the list is rebuilt from the disk, once, and saved."""
    font_manager = _font_manager()
    font = _find_cjk(font_manager)
    if font is None:
        _rebuild_font_list(font_manager)
        font = _find_cjk(font_manager)
    if font is None:
        raise UserError(NO_CJK_FONT)
    return font


def _figure(width_in: float = 7.0, height_in: float = 4.0):
    _font_manager()  # selects Agg before the first figure
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), dpi=150)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font" must not pass silently
        figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _values(rows) -> list:
    # matplotlib draws with floats; the figures printed beside the bars are the exact 万元 strings.
    return [float(wan_display(r.amount_fen)) for r in rows]


def bar_chart_png(rows, *, title: str, horizontal: bool = False) -> bytes:
    """Rows with .label and .amount_fen (insights' Share or Ranked), as a labelled bar chart in 万元."""
    font = cjk_font()
    figure = _figure(7.0, max(3.0, 0.32 * len(rows) + 1.2) if horizontal else 4.0)
    axes = figure.add_subplot()
    labels, values = [r.label for r in rows], _values(rows)
    if horizontal:
        bars = axes.barh(labels[::-1], values[::-1], color=COLORS[0])
        texts = [wan_display(r.amount_fen) for r in rows][::-1]
    else:
        bars = axes.bar(labels, values, color=COLORS[0])
        texts = [wan_display(r.amount_fen) for r in rows]
    for bar, text in zip(bars, texts, strict=True):
        if horizontal:
            axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center",
                      fontproperties=font, fontsize=8)
        else:
            axes.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), text, ha="center", va="bottom",
                      fontproperties=font, fontsize=8)
    for label in axes.get_xticklabels() + axes.get_yticklabels():
        label.set_fontproperties(font)
        label.set_fontsize(8)
    axes.set_title(title, fontproperties=font, fontsize=12)
    axes.set_xlabel("万元" if horizontal else "", fontproperties=font)
    axes.set_ylabel("" if horizontal else "万元", fontproperties=font)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def pie_chart_png(rows, *, title: str) -> bytes:
    font = cjk_font()
    figure = _figure(7.0, 4.2)
    axes = figure.add_subplot()
    rows = [r for r in rows if r.amount_fen]
    wedges, _ = axes.pie(_values(rows), colors=COLORS[: len(rows)] or None, startangle=90, counterclock=False,
                         wedgeprops={"width": 0.45})
    legend = [f"{r.label} {wan_display(r.amount_fen)}万元（{r.percent}%）" for r in rows]
    small = font.copy()
    small.set_size(8)
    axes.legend(wedges, legend, prop=small, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    axes.set_title(title, fontproperties=font, fontsize=12)
    axes.set_aspect("equal")
    return _png(figure)
