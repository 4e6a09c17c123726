"""Rules change by adding a version with a later 生效日期: periods before it keep the earlier version."""

from datetime import date

from fupin.policy.compliance import HolidayStatus, ShareStatus
from fupin.policy.models import Rule
from fupin.policy.services import policy_defaults_load
from fupin.reporting.models import Purpose
from tests.policy.builders import new_rule, purchases, row, spending


def test_a_30_percent_version_from_2021_leaves_2020_judged_at_20_percent(registry):
    thirty = new_rule("share_min", effective_from=date(2021, 1, 1), min_share_percent="30")
    for period in ("2020-01:2020-12", "2021-01:2021-12"):
        spending("汝州市", period, sisong="10000", members=100)
        purchases("汝州市", period, (Purpose.SISONG, "0.25"))  # 25%
    old = row("汝州市", "2020-01:2020-12").shares[0]
    new = row("汝州市", "2021-01:2021-12").shares[0]
    assert (old.status, old.rule.min_share_bp) == (ShareStatus.MET, 2000)
    assert (new.status, new.rule) == (ShareStatus.BELOW, thirty)


def test_a_cap_raised_mid_year_governs_periods_ending_after_it(registry):
    new_rule("holiday_cap", effective_from=date(2020, 7, 1), amount_yuan="2200")
    spending("舞钢市", "2020-01:2020-06", holiday="210000", members=100)
    assert row("舞钢市", "2020-01:2020-06").holiday.status == HolidayStatus.NOT_COVERED  # 2100 > 2000
    assert row("舞钢市", "2020-01:2020-12").holiday.status == HolidayStatus.WITHIN_CAP  # 2100 <= 2200


def test_a_switched_off_rule_no_longer_applies(registry):
    Rule.objects.filter(kind="holiday_cap").update(active=False)
    spending("郏县", "2020-01:2020-12", holiday="900000", members=100)
    assert row("郏县", "2020-01:2020-12").holiday.status == HolidayStatus.NO_RULE


def test_a_rule_ended_before_the_period_does_not_apply(registry):
    new_rule("share_min", effective_from=date(2022, 1, 1), effective_until=date(2022, 12, 31),
             min_share_percent="50", purposes=[Purpose.HOLIDAY])
    spending("郏县", "2023-01:2023-12", holiday="10000", members=100)
    purchases("郏县", "2023-01:2023-12", (Purpose.HOLIDAY, "0.3"))
    holiday = next(s for s in row("郏县", "2023-01:2023-12").shares if s.purpose == Purpose.HOLIDAY)
    assert holiday.rule.min_share_bp == 2000 and holiday.status == ShareStatus.MET


def test_loading_the_defaults_again_keeps_the_offices_edits(registry):
    rule = Rule.objects.get(code="pds-2020-welfare-share")
    rule.min_share_bp = 2500
    rule.save()
    assert policy_defaults_load() == 0
    assert Rule.objects.get(code="pds-2020-welfare-share").min_share_bp == 2500
    assert Rule.objects.count() == 3


def test_the_default_rules_name_their_documents_and_jurisdictions(registry):
    share = Rule.objects.get(code="pds-2020-welfare-share")
    extra = Rule.objects.get(code="henan-2020-extra-allowance")
    assert share.document.number == "平工办〔2020〕33号" and share.document.issued_on == date(2020, 10, 27)
    assert extra.document.number == "豫工发电〔2020〕17号" and extra.jurisdiction == "河南省"
    assert extra.amount_fen == 50_000 and extra.effective_until == date(2020, 12, 31)
    assert extra.excluded_channel_codes == {"PAIR"}
