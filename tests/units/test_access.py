"""The one place that answers who may see or change which unit."""

from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import UnitMatcher, unit_find


def test_a_unit_reporter_sees_only_its_unit_and_those_below(personas):
    p = personas
    below = Unit.objects.create(parent=p.unit, short_name="叶县某基层工会", name="叶县某基层工会")
    assert access.can_view(p.reporter, p.unit) and access.can_edit(p.reporter, p.unit)
    assert access.can_view(p.reporter, below)
    assert not access.can_view(p.reporter, p.other_unit)
    assert set(access.visible_units(p.reporter)) == {p.unit, below}


def test_roles_differ_in_what_they_may_do(personas):
    p = personas
    assert access.can_approve(p.approver, p.unit) and not access.can_edit(p.approver, p.unit)
    assert access.can_view(p.viewer, p.other_unit) and not access.can_edit(p.viewer, p.other_unit)
    assert access.is_office_admin(p.admin) and access.can_edit(p.admin, p.other_unit)
    assert not access.is_office_admin(p.reporter)


def test_subtree_range_holds_exactly_the_subtree(seeded):
    root = Unit.objects.get(parent=None)
    a = Unit.objects.create(parent=root, short_name="甲", name="甲")
    a1 = Unit.objects.create(parent=a, short_name="甲一", name="甲一")
    a11 = Unit.objects.create(parent=a1, short_name="甲一一", name="甲一一")
    # A sibling whose id starts with a's id must not fall in a's range (/1/3/ vs /1/30/).
    assert set(Unit.objects.filter(a.subtree_q())) == {a, a1, a11}
    assert a11.depth == 3 and a11.path == f"{root.path}{a.pk}/{a1.pk}/{a11.pk}/"


def test_moving_a_unit_moves_its_subtree(seeded):
    root = Unit.objects.get(parent=None)
    a = Unit.objects.create(parent=root, short_name="甲", name="甲")
    b = Unit.objects.create(parent=root, short_name="乙", name="乙")
    a1 = Unit.objects.create(parent=a, short_name="甲一", name="甲一")
    a.parent = b
    a.save()
    a1.refresh_from_db()
    assert a1.path == f"{b.path}{a.pk}/{a1.pk}/" and a1.depth == 3


def test_units_are_found_the_ways_people_write_them(seeded):
    assert unit_find("郟县").short_name == "郏县"
    assert unit_find("宝丰").short_name == "宝丰县"
    assert unit_find("平顶山 发电分公司").short_name == "平顶山发电分公司"
    assert unit_find("汝州").short_name == "汝州市"
    assert unit_find("叶县总工会").short_name == "叶县"
    assert unit_find("ＹＥ") is None
    assert UnitMatcher().find("舞钢公司").short_name == "舞钢公司"


def test_one_function_answers_every_may_question(personas):
    p = personas
    assert access.may(p.reporter, "edit", p.unit) and not access.may(p.reporter, "sign_off", p.unit)
    assert access.may(p.approver, "sign_off", p.unit) and not access.may(p.approver, "edit", p.unit)
    assert not access.may(p.reporter, "review", p.unit) and access.may(p.admin, "review", p.unit)
    assert access.may(p.viewer, "view", p.other_unit) and not access.may(p.viewer, "review", p.other_unit)
    assert not access.may(p.outsider, "view", p.unit)
    assert access.may(p.admin, "manage") and not access.may(p.viewer, "chase")
    assert not access.may(p.admin, "no-such-action", p.unit)


def test_a_county_administrator_reviews_the_units_below_it_but_not_its_own(personas):
    from fupin.units.models import Role
    from tests.factories import user_make

    below = Unit.objects.create(parent=personas.unit, short_name="叶县某基层工会", name="叶县某基层工会")
    county_admin = user_make("county_admin", unit=personas.unit, role=Role.ADMIN)
    assert access.may(county_admin, "review", below) and not access.may(county_admin, "review", personas.unit)
