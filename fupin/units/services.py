"""Writes to the organisation: reference data and aliases."""

from importlib import resources

from django.db import transaction

from fupin.core.errors import UserError
from fupin.core.text import normalize
from fupin.units import signals
from fupin.units.models import Unit, UnitAlias, UnitKind

ROOT_NAME = "平顶山市总工会"


def units_load_default() -> tuple[Unit, int]:
    """Create the city union and its 29 units in the seed's order. Idempotent: returns (root, units created)."""
    text = resources.files("fupin.units").joinpath("data/pingdingshan.tsv").read_text(encoding="utf-8")
    created = 0
    with transaction.atomic():
        root, _ = Unit.objects.get_or_create(parent=None, short_name=ROOT_NAME,
                                             defaults={"name": ROOT_NAME, "kind": UnitKind.CITY})
        rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
        for order, (short_name, name, kind, aliases) in enumerate(rows, start=1):
            unit, was_created = Unit.objects.get_or_create(
                parent=root, short_name=short_name, defaults={"name": name, "kind": kind, "order": order})
            created += was_created
            for alias in filter(None, aliases.strip().split("|")):
                unit_alias_add(unit=unit, text=alias)
    return root, created


def unit_alias_add(*, unit: Unit, text: str) -> UnitAlias:
    existing = UnitAlias.objects.filter(key=normalize(text)).first()
    if existing:
        return existing
    alias = UnitAlias(unit=unit, text=text)
    alias.save()
    return alias


SAME_PERSON_REASON_REQUIRED = "更改“同一人填报和审核”的设置须写明理由（将记入审计记录）"


def unit_same_person_allow(*, unit: Unit, allowed: bool, by, reason: str) -> Unit:
    """Switch four eyes off (allowed=True) or back on for a unit with one person; the reason is audited."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(SAME_PERSON_REASON_REQUIRED)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.same_person_may_approve == allowed:
            return unit
        unit.same_person_may_approve = allowed
        unit._history_user = by
        unit._change_reason = f"{'允许' if allowed else '不再允许'}同一人填报和审核：{reason}"
        unit.save()
    return unit


# The office's own changes to the tree (units.views): add, rename, move, merge, retire, aliases. Each is one
# transaction and one audit record (simple_history on Unit and UnitAlias, with who and why).

NAME_REQUIRED = "请填写单位简称"
NAME_TOO_LONG = "{field}最多{limit}个字，现在是{length}个字"
NAME_TAKEN = "“{name}”已是单位“{unit}”的名称或别名，不能再用于另一个单位（导入时将无法区分）"
NAME_UNCHANGED = "新名称与现在的名称相同，没有更改"
PARENT_REQUIRED = "请选择上级单位"
PARENT_INACTIVE = "上级单位“{parent}”已停用，不能在它下面新增或移入单位"
ROOT_FIXED = "“{unit}”是单位树的根（市总工会），不能移动、合并或停用"
MOVE_INTO_ITSELF = "不能把“{unit}”移到它自己或它的下级单位“{parent}”之下"
MOVE_UNCHANGED = "“{unit}”已在“{parent}”之下，没有移动"
MERGE_SELF = "不能把单位并入它自己"
MERGE_INACTIVE = "“{unit}”已停用，不能参与合并"
MERGE_HAS_CHILDREN = "“{unit}”还有下级单位：{names}。请先把它们移到其他单位之下，再合并"
REASON_REQUIRED = "请写明理由（将记入审计记录）"
RETIRE_HAS_CHILDREN = "“{unit}”下还有在用的下级单位：{names}。请先停用或移走它们"
ALREADY_RETIRED = "“{unit}”已停用"
ALREADY_ACTIVE = "“{unit}”在用，无须恢复"
REACTIVATE_NAME_TAKEN = "“{name}”已是单位“{unit}”的名称或别名（可能是合并时添加的），请先在“{unit}”的页面删除该别名，再恢复本单位"
ALIAS_REQUIRED = "请填写别名"
ALIAS_IS_OWN_NAME = "“{text}”就是“{unit}”的名称，无须添加为别名"


def _name_owner(text: str, *, exclude: Unit | None = None) -> Unit | None:
    """The unit (other than `exclude`) whose name or alias is written `text` once normalised."""
    key = normalize(text)
    alias = UnitAlias.objects.filter(key=key).select_related("unit").first()
    if alias and (exclude is None or alias.unit_id != exclude.pk):
        return alias.unit
    for unit in Unit.objects.exclude(pk=exclude.pk if exclude else None).only("pk", "short_name", "name"):
        if key in (normalize(unit.short_name), normalize(unit.name)):
            return unit
    return None


def _clean_name(text: str, *, field: str, limit: int, required: bool = True) -> str:
    text = " ".join((text or "").split())
    if required and not text:
        raise UserError(NAME_REQUIRED)
    if len(text) > limit:
        raise UserError(NAME_TOO_LONG.format(field=field, limit=limit, length=len(text)))
    return text


def _claim(text: str, unit: Unit | None) -> None:
    owner = _name_owner(text, exclude=unit)
    if owner is not None:
        raise UserError(NAME_TAKEN.format(name=text, unit=owner.display_name))


def _audited_save(unit: Unit, *, by, reason: str) -> None:
    unit._history_user, unit._change_reason = by, reason[:100]
    unit.save()


def _with_reason(text: str, reason: str) -> str:
    reason = (reason or "").strip()
    return f"{text}：{reason}" if reason else text


def unit_add(*, parent: Unit | None, short_name: str, name: str = "", kind: str = UnitKind.OTHER, by,
             reason: str = "") -> Unit:
    """A new unit under `parent`, last in its order. Its names may not be another unit's name or alias."""
    if parent is None:
        raise UserError(PARENT_REQUIRED)
    short_name = _clean_name(short_name, field="简称", limit=50)
    name = _clean_name(name, field="全称", limit=100, required=False) or short_name
    with transaction.atomic():
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        if not parent.active:
            raise UserError(PARENT_INACTIVE.format(parent=parent.display_name))
        for text in {short_name, name}:
            _claim(text, None)
        last = Unit.objects.filter(parent=parent).order_by("-order").values_list("order", flat=True).first()
        unit = Unit(parent=parent, short_name=short_name, name=name, kind=kind, order=(last or 0) + 1)
        _audited_save(unit, by=by, reason=_with_reason(f"新增单位（上级：{parent.display_name}）", reason))
    return unit


def _alias_keep(unit: Unit, text: str, *, by, reason: str) -> UnitAlias | None:
    """Record `text` as a way of writing `unit` unless it already is one (or is its current name)."""
    key = normalize(text)
    if not key or key in (normalize(unit.short_name), normalize(unit.name)):
        return None
    if UnitAlias.objects.filter(key=key).exists():
        return None
    alias = UnitAlias(unit=unit, text=text)
    alias._history_user, alias._change_reason = by, reason[:100]
    alias.save()
    return alias


def unit_rename(*, unit: Unit, short_name: str, name: str = "", by, reason: str = "") -> Unit:
    """A new name; the old ones become aliases, so files that still say them import to this unit."""
    short_name = _clean_name(short_name, field="简称", limit=50)
    name = _clean_name(name, field="全称", limit=100, required=False) or short_name
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if (short_name, name) == (unit.short_name, unit.name):
            raise UserError(NAME_UNCHANGED)
        for text in {short_name, name}:
            _claim(text, unit)
        old = [unit.short_name, unit.name]
        unit.short_name, unit.name = short_name, name
        _audited_save(unit, by=by, reason=_with_reason(f"更名：{old[0]} → {short_name}", reason))
        for text in old:
            _alias_keep(unit, text, by=by, reason=f"更名前的名称（更名为{short_name}）")
    return unit


def unit_move(*, unit: Unit, parent: Unit | None, by, reason: str = "") -> Unit:
    """Put `unit` (and everything below it) under `parent`. Unit.save re-paths the subtree, and insights (which
    watches Unit's saves) moves the subtree's figures from the old ancestors to the new, in this transaction."""
    if parent is None:
        raise UserError(PARENT_REQUIRED)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
        if unit.parent_id is None:
            raise UserError(ROOT_FIXED.format(unit=unit.display_name))
        if parent.path.startswith(unit.path):
            raise UserError(MOVE_INTO_ITSELF.format(unit=unit.display_name, parent=parent.display_name))
        if parent.pk == unit.parent_id:
            raise UserError(MOVE_UNCHANGED.format(unit=unit.display_name, parent=parent.display_name))
        if not parent.active:
            raise UserError(PARENT_INACTIVE.format(parent=parent.display_name))
        if Unit.objects.filter(parent=parent, short_name=unit.short_name).exists():
            raise UserError(NAME_TAKEN.format(name=unit.short_name, unit=f"{parent.display_name}下的{unit.short_name}"))
        old_parent = unit.parent
        unit.parent = parent
        _audited_save(unit, by=by, reason=_with_reason(
            f"移动：{old_parent.display_name} → {parent.display_name}", reason))
    return unit


def _children_names(unit: Unit, **filters) -> str:
    names = list(unit.children.filter(**filters).order_by("order", "pk").values_list("short_name", flat=True))
    return "、".join(names)


def unit_merge(*, source: Unit, target: Unit, by, reason: str) -> tuple[Unit, list[str]]:
    """`source` joins `target`: its reports become the target's (reporting listens to `unit_merging`), its names
    and aliases become the target's aliases, and it is retired with a history saying where it went.
    People keep their roles at the source, which no longer reach anything: the office gives them new ones.
    Returns the target and what the receivers moved, in their words (“报表3份转入…”)."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(REASON_REQUIRED)
    if source.pk == target.pk:
        raise UserError(MERGE_SELF)
    with transaction.atomic():
        locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
        source, target = locked[source.pk], locked[target.pk]
        for unit in (source, target):
            if unit.parent_id is None:
                raise UserError(ROOT_FIXED.format(unit=unit.display_name))
            if not unit.active:
                raise UserError(MERGE_INACTIVE.format(unit=unit.display_name))
        children = _children_names(source)
        if children:
            raise UserError(MERGE_HAS_CHILDREN.format(unit=source.display_name, names=children))
        answers = signals.unit_merging.send(sender=Unit, source=source, target=target, by=by, reason=reason)
        notes = [answer for _, answer in answers if isinstance(answer, str) and answer]
        why = f"并入{target.display_name}"
        for alias in list(source.aliases.all()):
            alias.unit = target
            alias._history_user, alias._change_reason = by, why
            alias.save()
        for text in {source.short_name, source.name}:
            # The source keeps its names for its history; the target answers to them from now on (the matcher
            # prefers an active unit's alias to a retired unit's own name).
            _alias_keep(target, text, by=by, reason=f"{source.display_name}并入本单位")
        source.active = False
        _audited_save(source, by=by, reason=_with_reason(f"并入{target.display_name}，报表转至该单位", reason))
        _audited_save(target, by=by, reason=_with_reason(f"{source.display_name}并入本单位，其报表转入", reason))
    return target, notes


def unit_retire(*, unit: Unit, by, reason: str) -> Unit:
    """Retire a unit: it keeps its reports and history, and is left out of new rounds, reminders and timeliness."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError(REASON_REQUIRED)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.parent_id is None:
            raise UserError(ROOT_FIXED.format(unit=unit.display_name))
        if not unit.active:
            raise UserError(ALREADY_RETIRED.format(unit=unit.display_name))
        children = _children_names(unit, active=True)
        if children:
            raise UserError(RETIRE_HAS_CHILDREN.format(unit=unit.display_name, names=children))
        unit.active = False
        _audited_save(unit, by=by, reason=_with_reason("停用", reason))
    return unit


def unit_reactivate(*, unit: Unit, by, reason: str = "") -> Unit:
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if unit.active:
            raise UserError(ALREADY_ACTIVE.format(unit=unit.display_name))
        if unit.parent and not unit.parent.active:
            raise UserError(PARENT_INACTIVE.format(parent=unit.parent.display_name))
        for text in {unit.short_name, unit.name}:
            owner = _name_owner(text, exclude=unit)
            if owner is not None:
                raise UserError(REACTIVATE_NAME_TAKEN.format(name=text, unit=owner.display_name))
        unit.active = True
        _audited_save(unit, by=by, reason=_with_reason("恢复在用", reason))
    return unit


def unit_alias_create(*, unit: Unit, text: str, by, reason: str = "") -> UnitAlias:
    """The office adds a way of writing a unit's name; one already meaning another unit is refused."""
    text = _clean_name(text, field="别名", limit=100, required=False)
    if not text:
        raise UserError(ALIAS_REQUIRED)
    if normalize(text) in (normalize(unit.short_name), normalize(unit.name)):
        raise UserError(ALIAS_IS_OWN_NAME.format(text=text, unit=unit.display_name))
    with transaction.atomic():
        existing = UnitAlias.objects.filter(key=normalize(text)).select_related("unit").first()
        if existing and existing.unit_id == unit.pk:
            return existing
        _claim(text, unit)
        alias = UnitAlias(unit=unit, text=text)
        alias._history_user, alias._change_reason = by, _with_reason("市总添加别名", reason)[:100]
        alias.save()
    return alias


def unit_alias_remove(*, alias: UnitAlias, by, reason: str = "") -> None:
    """The alias's row goes; its history (who, when, why, what it said) stays."""
    with transaction.atomic():
        alias._history_user, alias._change_reason = by, _with_reason("市总删除别名", reason)[:100]
        alias.delete()
