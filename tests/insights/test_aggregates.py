"""The figures pages, exports and the circular share: totals, shares, rankings, month on month, year to date."""

from datetime import date

import pytest

from fupin.core.errors import UserError
from fupin.core.money import wan_display, wan_to_fen
from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.insights.pivot import pivot
from fupin.units.selectors import root_unit, unit_find
from tests.factories import submission_make

SEED = Period.parse("2020-01:2020-10")


def test_the_seed_summary_agrees_with_the_attachment_table(seeded):
    from fupin.insights.attachment import attachment_table

    s = ag.summary(root=root_unit(), period=SEED)
    assert wan_display(s.total.amount_fen) == "3341.57" == wan_display(attachment_table(period=SEED).total_fen)
    assert s.total.lines == 109
    assert s.online_fen + s.offline_fen + s.unmarked_fen == s.total.amount_fen
    assert s.online_percent == "34.9"


def test_ranking_puts_lushan_first_and_the_missing_unit_last_with_nothing(seeded):
    rows = ag.ranking(root=root_unit(), period=SEED)
    assert [(r.rank, r.label, wan_display(r.amount_fen)) for r in rows[:3]] == [
        (1, "鲁山县", "469.34"), (2, "平煤神马集团", "403.48"), (3, "宝丰县", "280.56")]
    assert (rows[-1].label, rows[-1].amount_fen) == ("舞阳铁矿", 0)
    assert len(rows) == 29


def test_channel_shares_add_up_and_name_the_unclassified(seeded):
    rows = ag.by_dimension(root=root_unit(), period=SEED, dimension="channel")
    assert wan_display(sum(r.amount_fen for r in rows)) == "3341.57"
    assert rows[0].label == "农户" and rows[-1].label == "未分类"


def test_filters_keep_only_what_is_asked(seeded):
    online = ag.summary(root=root_unit(), period=SEED, filters=ag.Filters(method=("线上",)))
    assert online.total.amount_fen == online.online_fen > 0
    counties = ag.by_dimension(root=root_unit(), period=SEED, dimension="unit",
                               filters=ag.Filters(kind=("county",)))
    assert {r.label for r in counties} >= {"鲁山县", "宝丰县"} and "平煤神马集团" not in {r.label for r in counties}


def test_month_on_month_and_year_to_date_from_monthly_reports(seeded):
    yexian = unit_find("叶县")
    submission_make(yexian, "2020-11", amounts=("2",))
    submission_make(yexian, "2020-12", amounts=("3",))
    mom = ag.month_on_month(root=root_unit(), month=date(2020, 12, 1))
    assert (mom.amount_fen, mom.previous_fen, mom.change_percent) == (wan_to_fen("3"), wan_to_fen("2"), "+50.0")
    ytd = ag.summary(root=root_unit(), period=ag.year_to_date(date(2020, 12, 1)))
    assert wan_display(ytd.total.amount_fen) == "3346.57"  # the cumulative 1—10 reports and November, December


def test_a_unit_s_subtree_holds_only_its_own_figures(seeded):
    s = ag.summary(root=unit_find("叶县"), period=SEED)
    assert wan_display(s.total.amount_fen) == "171.08"


def test_the_pivot_has_row_column_and_grand_totals_that_agree(seeded):
    p = pivot(root=root_unit(), period=SEED, rows="kind", cols="method")
    assert sum(p.value(f) for f in p.row_totals.values()) == p.total.amount_fen
    assert wan_display(p.total.amount_fen) == "3341.57"
    assert sum(p.value(f) for f in p.col_totals.values()) == p.total.amount_fen
    assert [label for _, label in p.col_values][:2] == ["线下", "线上"]


def test_an_unknown_dimension_is_refused_in_chinese(seeded):
    with pytest.raises(UserError, match="没有这个统计维度"):
        ag.aggregate(root=root_unit(), period=SEED, by=("province",))
