"""What `fupin push` sends lets the province draw the city's tree: every unit carries its parent and its path
below the city, and the units between the city and a reporting one travel as parents."""

from fupin.api.push import push_payload
from fupin.core.periods import Period
from fupin.units.models import Unit, UnitKind
from fupin.units.selectors import root_unit, unit_find


def test_each_pushed_unit_carries_its_place_in_the_citys_tree(seeded):
    root = root_unit()
    # 叶县's report goes up under a 产业工会 of its own, which reports nothing itself
    between = Unit.objects.create(parent=root, name="县域工会联合会", short_name="县域联合会", kind=UnitKind.OTHER)
    yexian = unit_find("叶县")
    yexian.parent = between
    yexian.save()
    data = push_payload(period=Period.parse("2020-01:2020-10"))
    units = {u["key"]: u for u in data["units"]}
    assert units[yexian.pk]["parent"] == between.pk
    assert units[yexian.pk]["path"] == f"/{between.pk}/{yexian.pk}/"
    assert [p["key"] for p in data["parents"]] == [between.pk] and data["parents"][0]["parent"] is None
    others = [u for key, u in units.items() if key != yexian.pk]
    assert others and all(u["parent"] is None and u["path"] == f"/{u['key']}/" for u in others)
