"""The review queue at scale: paged and filtered, its queries the same however many lines the ledger holds, and
the outlier rule's once-per-run statistics equal to recomputing them for every line."""

import io
import json
import math
import random
import re
import statistics

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.core.money import wan_to_fen
from fupin.quality.rules import AmountSpread
from fupin.quality.selectors import PAGE_SIZE
from fupin.reporting.exclusions import line_exclude
from fupin.reporting.models import PurchaseLine, Submission
from fupin.reporting.services import LineInput, lines_bulk_add
from fupin.units.selectors import unit_find
from tests.factories import PASSWORD

QUEUE = "/quality/review/?period=2020-01:2020-10"
GROWN = ("宝丰", "叶县", "鲁山", "郏县")  # the units the extra lines go to


def office(client, personas):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    return client


def grow(admin, per_unit: int = 90) -> None:
    """Some hundred extra lines in several units' seed reports: lines waiting for a channel, duplicate pairs,
    lines without a method, and lines the office then excludes."""
    for name in GROWN:
        submission = Submission.objects.get(unit=unit_find(name))
        start = submission.lines.count() + 1
        lines = []
        for i in range(per_unit // 3):
            lines.append(LineInput(amount_fen=wan_to_fen("1.5"), product=f"杂粮{i}", source_text=f"某帮扶点{i}号",
                                   method_text="线下", method="线下"))  # no channel: waits for the office
            for _ in range(2):  # the same channel and product twice: a duplicate pair
                lines.append(LineInput(amount_fen=wan_to_fen("2"), product=f"香菇{i}", source_text="农户",
                                       channel_code="FARM", method_text="线下", method="线下"))
        lines += [LineInput(amount_fen=wan_to_fen("1"), product=f"蜂蜜{i}", source_text="农户", channel_code="FARM")
                  for i in range(30)]  # no method: a 警告 each (those not excluded)
        lines_bulk_add(submission=submission, lines=lines, by=admin, start=start)
        for line in submission.lines.filter(product__startswith="蜂蜜")[:14]:
            line_exclude(line=line, by=admin, reason="核实后不属于消费")


def queries_of(client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a session writes to it; count the next one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def section(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def rows(html: str, name: str) -> int:
    return section(html, name).count("<tr data-")


def test_the_queue_asks_the_same_queries_of_a_grown_ledger_and_shows_one_page_a_section(client, personas):
    office(client, personas)
    seed_line = PurchaseLine.objects.get(submission__unit=unit_find("宝丰"), source_text="扶贫产品")
    line_exclude(line=seed_line, by=personas.admin, reason="只写了产品")  # every section has items on the seed too
    small, _ = queries_of(client, QUEUE)
    grow(personas.admin)
    assert PurchaseLine.objects.count() > 500
    large, html = queries_of(client, QUEUE)
    assert large == small, f"{small} queries on the seed, {large} on the grown ledger"
    assert "渠道待确认（121）" in html and "可合并的重复明细（130组）" in html and "已剔除（57条" in html
    for name in ("waiting", "findings", "excluded"):
        assert rows(html, name) == PAGE_SIZE, name
    assert section(html, "duplicates").count('data-group="') == PAGE_SIZE
    assert "第1/3页，每页50条" in section(html, "waiting") and "下一页" in section(html, "waiting")

    third, last = queries_of(client, QUEUE + "&waiting_page=3&excluded_page=2")
    assert third == small
    assert rows(last, "waiting") == 121 - 2 * PAGE_SIZE and rows(last, "excluded") == 57 - PAGE_SIZE
    assert "第3/3页" in section(last, "waiting") and "上一页" in section(last, "waiting")
    assert "waiting_page=2" in section(last, "waiting")  # the pager keeps the other sections' pages and filters
    assert "excluded_page=2" in section(last, "waiting")


def test_fupin_check_asks_the_same_queries_of_a_grown_ledger(personas):
    def check() -> tuple[int, int]:
        out = io.StringIO()
        with CaptureQueriesContext(connection) as captured:
            call_command("check", "--period", "2020-01:2020-10", "--json", stdout=out)
        return len(captured), len(json.loads(out.getvalue())["findings"])

    check()  # the process's classifier and screen are built on the first run and kept (quality/versions.py)
    small, seed_findings = check()
    grow(personas.admin)
    large, grown_findings = check()
    assert large == small and grown_findings > seed_findings + 200


def test_the_unit_filter_shows_only_that_unit_and_the_units_under_it(client, personas):
    grow(personas.admin, per_unit=9)
    html = office(client, personas).get(QUEUE + "&unit=叶县").content.decode()
    units = set(re.findall(r"<tr data-line=\"\d+\" data-source=\"[^\"]*\">\s*<td>([^<]+)</td>", html))
    assert units == {"叶县"}
    assert "渠道待确认（3）" in html and "已剔除（14条" in html
    assert "鲁山县" not in section(html, "findings") and "叶县" in section(html, "findings")


def test_an_unknown_unit_is_said_in_chinese_and_the_queue_stays_whole(client, personas):
    html = office(client, personas).get(QUEUE + "&unit=火星县").content.decode()
    assert "没有找到单位“火星县”" in html
    assert "可合并的重复明细（10组）" in html


def test_the_rule_filter_lists_only_that_rules_findings(client, personas):
    html = office(client, personas).get(QUEUE + "&rule=method_mismatch").content.decode()
    found = set(re.findall(r'<tr data-rule="([a-z_]+)"', section(html, "findings")))
    assert found == {"method_mismatch"}
    assert "可合并的重复明细（0组）" in html
    assert 'data-testid="waiting"' not in html and 'data-testid="excluded"' not in html
    duplicates = office(client, personas).get(QUEUE + "&rule=duplicate_channel").content.decode()
    assert "可合并的重复明细（10组）" in duplicates and "其他发现（0）" in duplicates


def test_the_severity_filter_lists_only_findings_of_that_severity(client, personas):
    office(client, personas)
    for severity in ("警告", "提示"):
        html = client.get(QUEUE + f"&severity={severity}").content.decode()
        shown = re.findall(r'<tr data-rule="[a-z_]+">\s*<td class="[^"]*">(\S+)</td>', section(html, "findings"))
        assert shown and set(shown) == {severity}
    notes = client.get(QUEUE + "&severity=错误").content.decode()
    assert "其他发现（0）" in notes and "可合并的重复明细（0组）" in notes


def groups_of(html: str) -> tuple[int, set[str]]:
    shown = section(html, "duplicates")
    count = int(re.search(r"可合并的重复明细（(\d+)组）", shown).group(1))
    return count, set(re.findall(r"<strong>([^<]+)</strong>", shown))


def test_the_status_filter_shows_the_reports_of_that_status(client, personas):
    from fupin.reporting.models import Status

    gongjiao = Submission.objects.filter(unit=unit_find("工交工会"))
    assert gongjiao.get().status == Status.APPROVED  # the demo's reports are all accepted: send one back up
    gongjiao.update(status=Status.SUBMITTED)
    office(client, personas)
    count_a, units_a = groups_of(client.get(QUEUE + "&status=approved").content.decode())
    count_s, units_s = groups_of(client.get(QUEUE + "&status=submitted").content.decode())
    assert count_a + count_s == 10 and units_s == {"工交工会"} and "工交工会" not in units_a
    bad = client.get(QUEUE + "&status=draft&rule=nope").content.decode()
    assert groups_of(bad)[0] == 10 and bad.count('data-testid="filter-error"') == 2


@pytest.mark.parametrize("seed", range(20))
def test_the_unit_spread_equals_recomputing_the_median_without_each_line(seed):
    rng = random.Random(seed)
    history = [(pk, rng.choice([0, 100, 100, 2500, rng.randint(1, 10**9)])) for pk in range(rng.randint(1, 40))]
    spread = AmountSpread(history)
    for pk in [pk for pk, _ in history] + [-1]:  # -1: a line not (yet) counted, compared against all
        others = [math.log10(a) for p, a in history if p != pk and a > 0]
        assert spread.others(pk) == len(others)
        if others:
            median = statistics.median(others)
            assert spread.without(pk) == (median, statistics.median(abs(x - median) for x in others))
