"""Issue 15: on a phone the dashboard's pie labels were cut at the canvas' edge, and printing stranded headings at
page bottoms. Headless chromium at 375 px and in print media."""

import os

import pytest

from tests.browser import ARTIFACTS, log_in

# Every text ECharts drew on a chart's canvas (labels, legend), as boxes in the canvas' own pixels.
TEXT_BOXES = """(selector) => {
  const chart = echarts.getInstanceByDom(document.querySelector(selector));
  const boxes = [];
  chart.getZr().storage.getDisplayList(true).forEach((el) => {
    if ((el.type !== "text" && el.type !== "tspan") || el.ignore || el.invisible || !el.style || !el.style.text) { return; }
    const rect = el.getBoundingRect().clone();
    if (el.transform) { rect.applyTransform(el.transform); }
    boxes.push({text: el.style.text, x: rect.x, y: rect.y, right: rect.x + rect.width, bottom: rect.y + rect.height});
  });
  return {width: chart.getWidth(), height: chart.getHeight(), boxes: boxes};
}"""


def outside(drawn) -> list:
    """Texts beyond the canvas, or cut short at its edge ("扶...", as ECharts truncates a label that does not fit)."""
    return [b for b in drawn["boxes"] if b["x"] < 0 or b["y"] < 0 or b["right"] > drawn["width"]
            or b["bottom"] > drawn["height"] or b["text"].endswith("...") or "…" in b["text"]]


@pytest.fixture
def phone(browser):
    from tests.browser import csp_violations

    page = browser.new_page(locale="zh-CN", viewport={"width": 375, "height": 740}, device_scale_factor=2,
                            is_mobile=True, has_touch=True)
    violations = csp_violations(page)
    yield page
    assert not violations, f"Content Security Policy violations: {violations}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_every_pie_label_lies_inside_its_canvas(live_server, phone):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    log_in(phone, f"{live_server.url}/insights/?period=2020-01:2020-10", "leader", "fupin-leader")
    phone.wait_for_selector("body[data-charts-drawn='5']")
    for chart in ("channels", "methods"):
        drawn = phone.evaluate(TEXT_BOXES, f"[data-chart={chart}]")
        assert drawn["width"] <= 375 and len(drawn["boxes"]) >= 2, drawn
        assert outside(drawn) == [], (chart, drawn["width"], drawn["height"])
        option = phone.evaluate(f"""() => echarts.getInstanceByDom(
            document.querySelector('[data-chart={chart}]')).getOption()""")
        series = option["series"][0]
        assert series["avoidLabelOverlap"] is True and series["label"]["position"] == "inside"
        assert option["legend"][0]["bottom"] is not None and option["legend"][0]["show"] is not False
    # every channel is still named somewhere on the chart: in the legend, below the pie
    texts = [b["text"] for b in phone.evaluate(TEXT_BOXES, "[data-chart=channels]")["boxes"]]
    names = phone.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent).channels.labels")
    assert len(names) >= 5 and [n for n in names if not any(t.startswith(n + " ") for t in texts)] == []
    assert not [t for t in texts if "NaN" in t or "undefined" in t]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "dashboard_phone.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_at_a_desk_the_pie_labels_stay_inside_too(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    log_in(browser_page, f"{live_server.url}/insights/?period=2020-01:2020-10", "leader", "fupin-leader")
    browser_page.wait_for_selector("body[data-charts-drawn='5']")
    for chart in ("channels", "methods"):
        drawn = browser_page.evaluate(TEXT_BOXES, f"[data-chart={chart}]")
        assert outside(drawn) == [], (chart, drawn)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_printing_keeps_each_heading_with_its_chart_and_table(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    log_in(page, f"{live_server.url}/insights/?period=2020-01:2020-10", "leader", "fupin-leader")
    page.wait_for_selector("body[data-charts-drawn='5']")
    page.emulate_media(media="print")
    styles = page.evaluate("""() => ({
      headings: [...document.querySelectorAll("main h1, main h2")].map((h) => getComputedStyle(h).breakAfter),
      charts: [...document.querySelectorAll("[data-chart]")].map((c) => getComputedStyle(c).breakInside),
      rows: [...document.querySelectorAll(".chart-row")].map((c) => getComputedStyle(c).breakInside),
      tableRows: [...document.querySelectorAll(".chart-card table.grid tr")].map((r) => getComputedStyle(r).breakInside),
      kpis: getComputedStyle(document.querySelector(".kpis")).breakInside,
    })""")
    assert len(styles["headings"]) >= 6 and set(styles["headings"]) == {"avoid"}
    assert set(styles["charts"]) == {"avoid"} and set(styles["rows"]) == {"avoid"}
    assert set(styles["tableRows"]) == {"avoid"} and styles["kpis"] == "avoid"
    # and on the screen nothing of the kind is asked
    page.emulate_media(media="screen")
    assert page.evaluate("getComputedStyle(document.querySelector('main h2')).breakAfter") == "auto"
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "dashboard_print.pdf"), format="A4")
