"""One city's period at the province, as pushed: the units below it in the city's own tree, each with its total
and its rows per channel and method, summing to the city's figure in the province's attachment table; each line
of the city's report knows the pushed unit it came from; the history lists every push."""

import io
import json

import pytest
from django.core.management import call_command

from fupin.core.periods import Period
from fupin.province.drilldown import city_period
from fupin.province.models import PushedRow
from fupin.reporting.models import PurchaseLine
from tests.province.pushes import pds_payload, province_make, push_at, zz_payload


@pytest.fixture
def province(db):
    found = province_make()
    push_at("2020-12-03 10:00", zz_payload(), found.zz)
    push_at("2020-12-08 09:00", pds_payload(), found.pds)
    push_at("2020-12-09 15:00", pds_payload(yexian_ecom_fen=11000001), found.pds)  # a correction: version 2
    push_at("2020-12-10 15:00", pds_payload(yexian_ecom_fen=11000001), found.pds)  # the same again
    return found


def attachment_subtotal(short_name: str) -> str:
    out = io.StringIO()
    call_command("report", "attachment", "--period", "2020-11", "--format", "json", stdout=out)
    return next(u["subtotal"] for u in json.loads(out.getvalue())["units"] if u["unit"] == short_name)


def test_the_units_below_the_city_form_the_citys_tree_and_sum_to_its_attachment_figure(province):
    d = city_period(province.pingdingshan, Period.parse("2020-11"))
    assert [(n.unit.short_name, n.depth, n.unit.total_fen, n.subtree_fen) for n in d.nodes()] == [
        ("叶县", 0, 134456790, 134456790), ("舞钢市", 0, 50000000, 50000000),
        ("产业工会", 0, 0, 99), ("市直机关", 1, 99, 99)]
    assert d.total_fen == 184456889 and d.total == "184.46" == attachment_subtotal("平顶山市")
    yexian = d.nodes()[0]
    assert [(g["channel"], g["method_label"], g["amount_fen"], g["line_count"]) for g in yexian.groups] == [
        ("其他电商平台", "线下", 11000001, 1), ("832平台", "线上", 123456789, 3)]
    assert d.nodes()[2].unit.reported is False and d.receipt.version == 2


def test_each_line_of_the_citys_report_knows_the_pushed_unit_it_came_from(province):
    d = city_period(province.pingdingshan, Period.parse("2020-11"))
    rows = {r.position: r for r in PushedRow.objects.filter(receipt=d.receipt).select_related("unit")}
    lines = list(PurchaseLine.objects.filter(submission=d.receipt.submission).order_by("position"))
    assert len(lines) == len(rows) == 4
    for line in lines:
        row = rows[line.position]
        assert (line.amount_fen, line.channel_code) == (row.amount_fen, row.channel_code)
        assert row.unit.short_name in line.note


def test_the_history_shows_every_push_newest_first(province):
    d = city_period(province.pingdingshan, Period.parse("2020-11"))
    assert [(h.version, h.unchanged, h.total_fen, h.by.username) for h in d.history] == [
        (2, True, 184456889, "pingdingshan_push"), (2, False, 184456889, "pingdingshan_push"),
        (1, False, 183456889, "pingdingshan_push")]
    assert d.as_json()["history"][2]["total"] == "183.46"


def test_a_city_not_pushed_has_no_units_and_no_history(province):
    d = city_period(province.luoyang, Period.parse("2020-11"))
    assert d.receipt is None and d.history == [] and d.nodes() == [] and d.total == "0.00"
