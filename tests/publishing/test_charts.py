"""Chart images draw Chinese with a CJK font from the system's packages, never boxes."""

import warnings

import pytest

from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.publishing import charts
from fupin.units.selectors import root_unit

SEED = Period.parse("2020-01:2020-10")


def test_a_cjk_font_is_found_among_the_installed_fonts():
    assert "CJK" in charts.cjk_font().get_name() or "Hei" in charts.cjk_font().get_name()


def test_the_channel_pie_and_the_ranking_render_without_a_missing_glyph(seeded):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pie = charts.pie_chart_png(ag.by_dimension(root=root_unit(), period=SEED, dimension="channel"),
                                   title="1—10月采购渠道构成")
        bars = charts.bar_chart_png(ag.ranking(root=root_unit(), period=SEED), title="各单位成交额",
                                    horizontal=True)
    for png in (pie, bars):
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_a_character_the_font_lacks_would_fail_loudly(seeded):
    """The guard itself: a glyph missing from the font is an error, not a silent box."""
    row = ag.Share("x", "\U0001f600", 100, 1, "100.0")
    with pytest.raises(UserWarning):
        charts.bar_chart_png([row], title="测试")
