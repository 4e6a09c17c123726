"""Issue 15: holiday entry refused the State Council's own wording. The office pastes the notice (国务院办公厅关于
部分节假日安排的通知) as published — header, addressees, numbered items with weekdays in brackets, 至 ranges within
and across months, the 上班 days, the closing paragraph and the date of issue — and the calendar then agrees, day by
day, with the statutory calendar."""

import io
from datetime import date, timedelta

import chinese_calendar
import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.reporting.calendar import WorkCalendar, arrangement_parse
from tests.factories import PASSWORD

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
"""

# As the office often pastes it: items split where the notice's sentences end, and the Saturdays on a line of their own.
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。
国务院办公厅
2025年11月4日
"""


def year_days(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize(("year", "notice"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_the_notice_as_published_gives_the_statutory_calendar_day_by_day(year, notice):
    days = {day: (is_workday, name) for day, is_workday, name in arrangement_parse(year=year, text=notice)}
    marked = {d: days[d][0] if d in days else d.weekday() < 5 for d in year_days(year)}
    assert marked == {d: chinese_calendar.is_workday(d) for d in year_days(year)}


def test_ranges_across_months_names_and_the_working_saturdays_are_read():
    days = {d: (w, n) for d, w, n in arrangement_parse(year=2025, text=NOTICE_2025)}
    assert days[date(2025, 1, 31)] == (False, "春节") and days[date(2025, 2, 4)] == (False, "春节")
    assert days[date(2025, 6, 1)] == (False, "端午节")  # 5月31日至6月2日
    assert days[date(2025, 10, 11)] == (True, "国庆节、中秋节")
    assert date(2025, 11, 12) not in days and date(2024, 11, 12) not in days  # the date of issue is no holiday
    days = {d: (w, n) for d, w, n in arrangement_parse(year=2026, text=NOTICE_2026)}
    assert days[date(2026, 2, 28)] == (True, "春节")  # its own line carries on the item above


def test_the_issue_example_with_a_year_and_weekday_brackets():
    text = "春节：2027年2月6日至13日放假调休，共8天。2月14日（星期日）、2月20日（星期六）上班。\n" \
           "国庆节：9月30日至10月7日放假调休，共8天。9月26日（星期日）上班。"
    days = {d: w for d, w, _ in arrangement_parse(year=2027, text=text)}
    assert [d for d, w in days.items() if not w] == [date(2027, 2, 6) + timedelta(n) for n in range(8)] + [
        date(2027, 9, 30) + timedelta(n) for n in range(8)]
    assert [d for d, w in days.items() if w] == [date(2027, 2, 14), date(2027, 2, 20), date(2027, 9, 26)]


@pytest.mark.parametrize(("text", "message"), [
    ("一、元旦：1月1日放假1天。\n二、春节：二月六日至十三日放假调休，共8天。",
     "第2行“二、春节：二月六日至十三日放假调休，共8天。”无法识别"),
    ("春节：2月6日至十三日放假调休。", "第1行“春节：2月6日至十三日放假调休。”无法识别"),
    ("春节：2月6日至13日，共8天。", "第1行“春节：2月6日至13日，共8天。”没有写明这些日期是放假还是上班"),
    ("春节：2月30日放假。", "第1行的日期“2月30日”不是有效日期"),
    ("国庆节：10月7日至9月30日放假调休。", "第1行的日期范围起止颠倒"),
])
def test_a_notice_line_that_cannot_be_read_is_refused_naming_the_line(text, message):
    with pytest.raises(UserError, match=message):
        arrangement_parse(year=2027, text=text)


@pytest.mark.django_db
def test_the_command_enters_the_notice_and_the_deadlines_follow(tmp_path):
    source = tmp_path / "国务院办公厅关于2026年部分节假日安排的通知.txt"
    source.write_text(NOTICE_2026, encoding="utf-8")
    out = io.StringIO()
    call_command("calendar", "enter", "2026", str(source), stdout=out)
    assert "已录入2026年节假日安排" in out.getvalue()
    calendar = WorkCalendar()
    assert calendar.source(2026) == "office"
    assert calendar.last_workday_of_month(2026, 2) == date(2026, 2, 28)  # a Saturday made a working day
    assert calendar.last_workday_of_month(2026, 9) == date(2026, 9, 30)


def test_the_office_pastes_the_notice_on_the_calendar_page(personas, client):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    page = client.get(reverse("reporting:calendar_year", args=[2027])).content.decode()
    assert "放假调休" in page  # the page shows the notice's own wording as the example
    response = client.post(reverse("reporting:calendar_year", args=[2027]),
                           {"text": "二、春节：2027年2月6日至13日放假调休，共8天。2月14日（星期日）、2月20日（星期六）上班。"})
    assert response.status_code == 302
    assert not WorkCalendar().is_workday(date(2027, 2, 8)) and WorkCalendar().is_workday(date(2027, 2, 20))
    bad = client.post(reverse("reporting:calendar_year", args=[2027]), {"text": "春节：二月六日至十三日放假"})
    assert bad.status_code == 200 and "第1行“春节：二月六日至十三日放假”无法识别" in bad.content.decode()
