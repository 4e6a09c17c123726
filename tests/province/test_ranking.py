"""The province ranks its cities for a period from what each pushed: exact to the fen, on time or late against
the round's deadline (by when the province first received a push), not pushed; a re-push replaces the figure,
counts as a new version, and does not reset the timeliness; 同比 and 环比 from the pushes of other periods."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from fupin.core.periods import Period
from fupin.province.ranking import ranking
from fupin.reporting.models import DeadlineRule, Round
from tests.province.pushes import pds_payload, province_make, push_at, zz_payload


@pytest.fixture
def province(db):
    found = province_make()
    # 2020年11月 is due Friday 4 December 2020
    Round.objects.create(first_month=date(2020, 11, 1), last_month=date(2020, 11, 1), rule=DeadlineRule.FIXED,
                         fixed_date=date(2020, 12, 4))
    push_at("2020-12-03 10:00", zz_payload(), found.zz)
    push_at("2020-12-08 09:00", pds_payload(), found.pds)  # Tuesday: Monday and Tuesday lost
    return found


def rows_by_city(result):
    return {r.city.short_name: r for r in result.rows}


def test_cities_are_ranked_by_what_they_pushed_exact_to_the_fen(province):
    result = ranking(period=Period.parse("2020-11"))
    assert [r.city.short_name for r in result.rows] == ["郑州市", "平顶山市", "洛阳市"]
    zz, pds, ly = result.rows
    assert (zz.rank, zz.total_fen, zz.total) == (1, 500000000, "500.00")
    assert (pds.rank, pds.total_fen, pds.total) == (2, 183456889, "183.46")
    assert (ly.rank, ly.status, ly.total, ly.pushes) == (None, "missing", "", 0)
    assert result.total_fen == 683456889 and result.deadline == date(2020, 12, 4)


def test_timeliness_is_judged_against_the_rounds_deadline(province):
    rows = rows_by_city(ranking(period=Period.parse("2020-11")))
    assert (rows["郑州市"].status, rows["郑州市"].days_late) == ("on_time", 0)
    assert (rows["平顶山市"].status, rows["平顶山市"].days_late) == ("late", 2)
    assert rows["洛阳市"].status == "missing"


def test_a_repush_replaces_the_figure_and_keeps_the_first_arrival_for_timeliness(province):
    answer = push_at("2020-12-09 15:00", pds_payload(yexian_ecom_fen=11000001), province.pds)
    assert answer["version"] == 2 and answer["unchanged"] is False
    again = push_at("2020-12-10 15:00", pds_payload(yexian_ecom_fen=11000001), province.pds)
    assert again["version"] == 2 and again["unchanged"] is True
    pds = rows_by_city(ranking(period=Period.parse("2020-11")))["平顶山市"]
    assert (pds.total_fen, pds.total, pds.version, pds.pushes) == (184456889, "184.46", 2, 3)
    assert (pds.status, pds.days_late) == ("late", 2)


def test_equal_totals_share_a_rank(province):
    push_at("2020-12-09 15:00", zz_payload(fen=183456889), province.zz)
    assert [r.rank for r in ranking(period=Period.parse("2020-11")).rows] == [1, 1, None]


def test_year_on_year_and_month_on_month_come_from_the_pushes_of_those_periods(province):
    push_at("2019-12-03 10:00", zz_payload("2019-11", fen=400000000), province.zz)
    push_at("2020-11-03 10:00", zz_payload("2020-10", fen=800000000), province.zz)
    zz = rows_by_city(ranking(period=Period.parse("2020-11")))["郑州市"]
    assert (zz.year_on_year, zz.month_on_month) == ("25.0", "-37.5")
    assert rows_by_city(ranking(period=Period.parse("2020-11")))["平顶山市"].year_on_year == ""


def test_the_command_prints_the_ranking_as_json_and_as_text(province):
    out = io.StringIO()
    call_command("province", "ranking", "--period", "2020-11", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert [(c["city"], c["rank"], c["total"], c["status"]) for c in data["cities"]] == [
        ("郑州市", 1, "500.00", "on_time"), ("平顶山市", 2, "183.46", "late"), ("洛阳市", None, "", "missing")]
    assert (data["total"], data["on_time"], data["late"], data["missing"]) == ("683.46", 1, 1, 1)
    out = io.StringIO()
    call_command("province", "ranking", "--period", "2020-11", stdout=out)
    text = out.getvalue()
    assert "合计683.46万元，按时1、逾期1、未推送1" in text and "逾期2个工作日" in text
    assert "首次收到 2020-12-08 09:00" in text
