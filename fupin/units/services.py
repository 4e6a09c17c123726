"""Writes to the organisation: reference data and aliases."""

from importlib import resources

from django.db import transaction

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
