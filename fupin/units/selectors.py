"""Reads of the organisation."""

from django.db.models import QuerySet

from fupin.core.text import normalize
from fupin.units.models import Membership, Role, Unit, UnitAlias

SUFFIXES = ("总工会", "工会联合会", "工会", "县", "市", "区")


def root_unit() -> Unit | None:
    return Unit.objects.filter(parent=None).order_by("pk").first()


def reporting_units(root: Unit | None = None) -> QuerySet[Unit]:
    """Active units below `root` (the whole system by default), in registry order."""
    root = root or root_unit()
    if root is None:
        return Unit.objects.none()
    lo, hi = root.path, root.path[:-1] + "0"
    return Unit.objects.filter(active=True, path__gt=lo, path__lt=hi).order_by("depth", "order", "pk")


def _key_variants(key: str) -> set[str]:
    keys = {key}
    for suffix in SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            keys.add(key[: -len(suffix)])
    return keys


class UnitMatcher:
    """Matches the ways people write unit names; built once per import, then each lookup is a dict probe.

    A form that two units share (舞钢 for 舞钢市 and 舞钢公司 would be one) matches neither.
    """

    def __init__(self, units: QuerySet[Unit] | None = None):
        units = units if units is not None else Unit.objects.all()
        self._exact: dict[str, Unit | None] = {}
        self._loose: dict[str, Unit | None] = {}
        names = [(u, n) for u in units for n in (u.short_name, u.name)]
        names += [(a.unit, a.text) for a in UnitAlias.objects.select_related("unit").filter(unit__in=units)]
        for unit, name in names:
            key = normalize(name)
            self._add(self._exact, key, unit)
            for variant in _key_variants(key):
                self._add(self._loose, variant, unit)

    @staticmethod
    def _add(index: dict, key: str, unit: Unit) -> None:
        if key in index and index[key] is not None and index[key].pk != unit.pk:
            index[key] = None  # ambiguous
        else:
            index.setdefault(key, unit)

    def find(self, text: str) -> Unit | None:
        key = normalize(text)
        if not key:
            return None
        if key in self._exact:
            return self._exact[key]
        for variant in _key_variants(key):
            if self._loose.get(variant):
                return self._loose[variant]
        return None


def unit_find(text: str) -> Unit | None:
    """A unit by any way people write it: short or full name, alias, spaces, full width, 郟/郏, missing 县/市/区."""
    return UnitMatcher().find(text)


def unit_has_approver(unit: Unit) -> bool:
    """Whether the unit's report needs its own 审核人's sign-off before it goes up."""
    return Membership.objects.filter(unit=unit, role=Role.APPROVER, user__is_active=True).exists()
