"""Each page costs the same number of queries whatever the ledger's size (issue 16: a page is bounded): counted on
a small ledger, then again after 2,000 more lines from 200 more units, and found equal; the large unit lists
come a page at a time."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting import services
from fupin.reporting.models import Status
from fupin.reporting.services import LineInput
from fupin.units.models import Unit, UnitKind
from fupin.units.people import system_user
from fupin.units.selectors import unit_find

NOV = "2020-11"


def _report(unit: Unit, n: int, seed: int) -> None:
    lines = [LineInput(amount_fen=wan_to_fen(f"{(seed + i) % 7}.{(seed * 3 + i) % 100:02d}"),
                       source_text=("832平台", "农户", "扶贫馆")[i % 3], method=("线上", "线下")[i % 2],
                       method_text=("线上", "线下")[i % 2], channel_code=("P832", "FARM", "")[i % 3],
                       product=f"香菇{i}", explanation="集中采购")
             for i in range(n)]
    services.submission_create(unit=unit, period=Period.parse(NOV), lines=lines, by=system_user(),
                               status=Status.SUBMITTED)


def _grow(count: int, start: int) -> None:
    """`count` grassroots unions under two counties, each reporting 10 lines for November."""
    parents = [unit_find("叶县"), unit_find("舞钢市")]
    for i in range(start, start + count):
        unit = Unit.objects.create(parent=parents[i % 2], name=f"第{i}基层工会", short_name=f"基层{i}",
                                   kind=UnitKind.GRASSROOTS, order=i)
        _report(unit, 10, i)


PAGES = {
    "home": lambda: reverse("home") + f"?period={NOV}",
    "dashboard": lambda: reverse("insights:dashboard") + f"?period={NOV}",
    "pivot": lambda: reverse("insights:pivot") + f"?period={NOV}&rows=unit&cols=channel",
    "pivot below the rollup": lambda: reverse("insights:pivot") + f"?period={NOV}&rows=unit&unit="
                                      + str(unit_find("叶县").pk),
    "timeliness": lambda: reverse("reporting:timeliness") + f"?period={NOV}",
    "timeliness, one status": lambda: reverse("reporting:timeliness") + f"?period={NOV}&status=on_time&page=2",
    "compliance": lambda: reverse("policy:compliance") + f"?period={NOV}",
    "attachment": lambda: reverse("publishing:attachment") + f"?period={NOV}",
}


def _counts(client) -> tuple[dict, dict]:
    counts, sizes = {}, {}
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url())
        assert response.status_code == 200, name
        counts[name], sizes[name] = len(ctx.captured_queries), len(response.content)
        if name == "home":  # the home page answers from the submissions' sums, never from the lines
            assert not [q for q in ctx.captured_queries if "purchaseline" in q["sql"].lower()]
    return counts, sizes


def test_every_page_costs_the_same_queries_at_two_ledger_sizes(client, personas):
    client.force_login(personas.admin)
    _grow(120, 0)  # more than a page of units already: the pager is there at both sizes
    client.get(reverse("home"))  # the session's first writes
    small, small_sizes = _counts(client)
    _grow(200, 1000)
    large, large_sizes = _counts(client)
    assert large == small
    # The unit lists are paged: 200 more units hardly change what a page sends.
    for name in ("home", "timeliness", "dashboard", "attachment"):
        assert large_sizes[name] < small_sizes[name] * 1.2, name


def test_the_home_page_agrees_with_the_attachment_table_and_pages_its_units(client, personas):
    from fupin.insights.attachment import attachment_overview, attachment_table

    _grow(120, 0)
    period = Period.parse(NOV)
    table = attachment_table(period=period)
    pages = [attachment_overview(period=period, page=n) for n in (1, 2)]
    for overview in pages:
        assert (overview.total_fen, overview.line_count) == (table.total_fen, table.line_count)
        assert overview.unit_count == len(table.units)
        assert overview.reported_count == sum(u.reported for u in table.units)
    assert [(u.unit.pk, u.subtotal_fen, u.lines, u.reported) for p in pages for u in p.units] == \
        [(u.unit.pk, u.subtotal_fen, len(u.lines), u.reported) for u in table.units]
    client.force_login(personas.admin)
    first = client.get(reverse("home") + f"?period={NOV}").content.decode()
    assert 'data-testid="pager"' in first and "第1/2页" in first
    assert f"{len(table.units)} 个单位中" in first
    second = client.get(reverse("home") + f"?period={NOV}&page=2").content.decode()
    assert "基层119" in second and "基层119" not in first


def test_the_timeliness_page_filters_by_status_and_pages(client, personas):
    _grow(120, 0)
    client.force_login(personas.admin)
    page = client.get(reverse("reporting:timeliness") + f"?period={NOV}&status=missing").content.decode()
    assert 'data-status="on_time"' not in page and 'data-status="late"' not in page
    everything = client.get(reverse("reporting:timeliness") + f"?period={NOV}").content.decode()
    assert everything.count("<tr data-status=") == 100 and 'data-testid="pager"' in everything


def test_the_attachment_page_pages_its_units_with_their_lines_and_the_whole_total(client, personas):
    from fupin.core.money import wan_display
    from fupin.insights.attachment import attachment_page, attachment_table

    _grow(120, 0)
    period = Period.parse(NOV)
    table = attachment_table(period=period)
    pages = [attachment_page(period=period, page=n) for n in (1, 2)]
    assert [(u.unit.pk, u.subtotal_fen, [ln.amount_fen for ln in u.lines]) for p in pages for u in p.units] == \
        [(u.unit.pk, u.subtotal_fen, [ln.amount_fen for ln in u.lines]) for u in table.units]
    for page in pages:
        assert (page.total_fen, page.excluded_lines, page.excluded_fen) == \
            (table.total_fen, table.excluded_lines, table.excluded_fen)
    client.force_login(personas.admin)
    first = client.get(reverse("publishing:attachment") + f"?period={NOV}").content.decode()
    assert 'data-testid="pager"' in first and "第1/2页" in first and "基层119" not in first
    assert f'data-testid="attachment-total">{wan_display(table.total_fen)}<' in first
    second = client.get(reverse("publishing:attachment") + f"?period={NOV}&page=2").content.decode()
    assert "基层119" in second
