"""Counts of units that reported, kept at write (issue 16: the home page and the dashboard answer a province's
100,000 units without reading every report): the reported months kept per unit and year, and the timeliness
summary's counts, agree with the tables that list every unit, whoever asks and whatever the span."""

import pytest

from fupin.core.periods import Period
from fupin.insights.attachment import attachment_overview, attachment_table
from fupin.insights.models import ReportedMonths
from fupin.insights.reported_months import months_rebuild
from fupin.reporting import services
from fupin.reporting.timeliness import round_timeliness, timeliness_summary
from fupin.units.models import Unit, UnitKind
from fupin.units.people import system_user
from fupin.units.selectors import root_unit, unit_find
from fupin.units.services import unit_retire
from tests.factories import submission_make

PERIODS = ["2020-01", "2020-02", "2020-05", "2020-01:2020-03", "2020-04:2020-06", "2020-05:2020-06",
           "2020-02:2020-10", "2019-12:2020-02", "2020-01:2020-12", "2020-01:2020-10", "2019-12"]


def _ledger() -> dict:
    by = system_user()
    units = {name: unit_find(name) for name in ("叶县", "舞钢市", "宝丰县", "郏县", "鲁山县", "汝州市", "新华区")}
    grassroots = Unit.objects.create(parent=units["叶县"], name="叶县第一基层工会", short_name="叶县一基层",
                                     kind=UnitKind.GRASSROOTS, order=1)
    submission_make(units["叶县"], "2020-01")
    submission_make(units["叶县"], "2020-02", status="draft")  # not counted
    services.submission_approve(submission=submission_make(units["舞钢市"], "2020-02"), by=by)
    returned = submission_make(units["宝丰县"], "2020-03")
    services.submission_return(submission=returned, by=by, reason="金额有误")  # no longer counted
    submission_make(units["郏县"], "2020-04:2020-06")  # a quarter only
    submission_make(units["鲁山县"], "2020-04:2020-06")
    submission_make(units["鲁山县"], "2020-05")  # and a month of it: counted once
    submission_make(units["汝州市"], "2019-12")  # the year before
    submission_make(grassroots, "2020-02", amounts=("0.3", "1.2"))
    retired = submission_make(units["新华区"], "2020-01")
    unit_retire(unit=retired.unit, by=by, reason="撤并")  # stays in the tables of the periods it reported in
    return units


@pytest.mark.django_db
def test_the_reported_count_agrees_with_the_full_table_for_every_span_and_viewer(personas):
    units = _ledger()
    county = units["叶县"]
    for period in map(Period.parse, PERIODS):
        for user, root in ((None, None), (personas.admin, None), (personas.viewer, None), (None, county),
                           (personas.reporter, None)):
            table = attachment_table(period=period, user=user, root=root)
            overview = attachment_overview(period=period, user=user, root=root)
            assert overview.reported_count == sum(u.reported for u in table.units), (period, user, root)
    quarter = attachment_overview(period=Period.parse("2020-04:2020-06"))
    assert quarter.reported_count == 2  # 郏县 and 鲁山县, once though it reported May as well


@pytest.mark.django_db
def test_the_months_kept_at_write_equal_a_rebuild(personas):
    _ledger()
    kept = set(ReportedMonths.objects.filter(months__gt=0).values_list("unit_id", "year", "months"))
    assert (unit_find("叶县").pk, 2020, 0b1) in kept and (unit_find("汝州市").pk, 2019, 1 << 11) in kept
    months_rebuild()
    assert set(ReportedMonths.objects.values_list("unit_id", "year", "months")) == kept


@pytest.mark.django_db
def test_the_timeliness_summary_agrees_with_the_full_table(personas):
    units = _ledger()
    for period in map(Period.parse, ["2020-01", "2020-02", "2020-04:2020-06", "2020-01:2020-10"]):
        for user, root in ((None, None), (personas.admin, root_unit()), (personas.viewer, None),
                           (personas.admin, units["叶县"])):
            full = round_timeliness(period=period, user=user)
            if root is not None and root.parent_id is not None:
                keep = {u.pk for u in Unit.objects.filter(root.subtree_q())}
                for status in ("on_time", "late", "missing"):
                    setattr(full, status, [e for e in getattr(full, status) if e.unit.pk in keep])
            summary = timeliness_summary(period=period, user=user, root=root, named=3)
            for status in ("on_time", "late", "missing"):
                entries = getattr(full, status)
                assert getattr(summary, status).count == len(entries), (period, user, root, status)
                assert [u.pk for u in getattr(summary, status).first] == [e.unit.pk for e in entries[:3]], \
                    (period, user, root, status)
