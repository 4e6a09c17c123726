"""Reads of the organisation."""

from django.db.models import Q, QuerySet

from fupin.core.text import normalize
from fupin.units.models import Membership, Role, Unit, UnitAlias, subtree_bounds

SUFFIXES = ("总工会", "工会联合会", "工会", "县", "市", "区")


def root_unit() -> Unit | None:
    return Unit.objects.filter(parent=None).order_by("pk").first()


def reporting_units(root: Unit | None = None, *, also=None) -> QuerySet[Unit]:
    """Active units below `root` (the whole system by default), in registry order. `also` (ids, or a values
    query of unit ids) adds retired units a page still shows: those whose reports lie in a past period."""
    root = root or root_unit()
    if root is None:
        return Unit.objects.none()
    wanted = Q(active=True) if also is None else Q(active=True) | Q(pk__in=also)
    if is_whole_tree(root):  # every unit but the root: the active units' (depth, order, id) index walks them
        return Unit.objects.filter(wanted, depth__gt=0).order_by("depth", "order", "pk")
    lo, hi = subtree_bounds(root.path)
    return Unit.objects.filter(wanted, path__gt=lo, path__lt=hi).order_by("depth", "order", "pk")


def is_whole_tree(root: Unit) -> bool:
    """`root` is the system's only root (the office's tree, not one of several)."""
    roots = Unit.objects.filter(parent=None).values_list("pk", flat=True)[:2]
    return root.parent_id is None and list(roots) == [root.pk]


def units_q(field: str, units: QuerySet[Unit], *, root: Unit | None, user=None, also=()) -> Q:
    """A filter on another table's unit column (`field`, e.g. "unit_id"): one of `units`, which the caller built as
    reporting_units(root, also=also) for what `user` may see. Over the whole tree seen whole (the office, a
    province) it names the few units outside the set instead (retired ones, the root): a database then reads the
    other table's index range rather than visiting every one of 100,000 units."""
    from fupin.units import access

    root = root or root_unit()
    if root is None or not is_whole_tree(root) or not (user is None or access.is_office_admin(user)):
        return Q(**{f"{field}__in": units.values("pk")})
    outside = Unit.objects.filter(Q(active=False) | Q(parent=None))
    if also:
        outside = outside.exclude(pk__in=also)
    return ~Q(**{f"{field}__in": outside.values("pk")})


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
        units = list(units if units is not None else Unit.objects.all())
        self._exact: dict[str, Unit | None] = {}
        self._loose: dict[str, Unit | None] = {}
        aliases = list(UnitAlias.objects.select_related("unit").filter(unit__in=units))
        # Active units first: a retired unit's own name only answers where no active unit claims it, so that a
        # merged unit's name (now the target's alias) leads to the target, and old files still import.
        for active in (True, False):
            exact: dict[str, Unit | None] = {}
            loose: dict[str, Unit | None] = {}
            names = [(u, n) for u in units if u.active == active for n in (u.short_name, u.name)]
            names += [(a.unit, a.text) for a in aliases if a.unit.active == active]
            for unit, name in names:
                key = normalize(name)
                self._add(exact, key, unit)
                for variant in _key_variants(key):
                    self._add(loose, variant, unit)
            for mine, theirs in ((self._exact, exact), (self._loose, loose)):
                for key, unit in theirs.items():
                    mine.setdefault(key, unit)

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


def units_tree() -> list[Unit]:
    """Every unit, active or retired, in tree order with its aliases: the office's unit page (two queries)."""
    return list(Unit.objects.select_related("parent").prefetch_related("aliases").order_by("path"))


def unit_changes(unit: Unit, *, limit: int = 50) -> list:
    """The latest changes to a unit and its aliases, newest first: (when, who, what) from the audit trail."""
    own = unit.history.select_related("history_user").order_by("-history_date")[:limit]
    aliases = (UnitAlias.history.filter(unit_id=unit.pk).select_related("history_user")
               .order_by("-history_date")[:limit])
    rows = [(r.history_date, _who(r.history_user), r.history_change_reason or _KIND.get(r.history_type, ""))
            for r in own]
    rows += [(r.history_date, _who(r.history_user),
              f"别名“{r.text}”：{r.history_change_reason or _ALIAS_KIND.get(r.history_type, '')}") for r in aliases]
    rows.sort(key=lambda row: row[0], reverse=True)
    return rows[:limit]


def _who(user) -> str:
    return (user.first_name or user.username) if user is not None else "系统"


_KIND = {"+": "新增", "~": "修改", "-": "删除"}
_ALIAS_KIND = {"+": "添加", "~": "修改", "-": "删除"}
