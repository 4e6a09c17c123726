"""Writes to the organisation: reference data and aliases."""

from importlib import resources

from django.db import transaction

from fupin.core.errors import UserError
from fupin.core.text import normalize
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
