"""One city's period at the province, as pushed: the units below it (the city's own tree, by parent key), each
with its total and its rows per channel and method, and the history of its pushes."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.province.models import PushedRow, PushedUnit, PushReceipt
from fupin.reporting.models import Method
from fupin.units.models import Unit


@dataclass
class UnitNode:
    unit: PushedUnit
    depth: int = 0
    children: list["UnitNode"] = field(default_factory=list)
    subtree_fen: int = 0  # its own and all below it
    groups: list[dict] = field(default_factory=list)  # per channel × method

    @property
    def total(self) -> str:
        return wan_display(self.unit.total_fen)

    @property
    def subtree(self) -> str:
        return wan_display(self.subtree_fen)

    def as_json(self) -> dict:
        u = self.unit
        return {"key": u.key, "name": u.name, "short_name": u.short_name, "kind": u.kind,
                "parent_key": u.parent_key or None, "path": u.path, "reported": u.reported,
                "total_fen": u.total_fen, "total": self.total, "subtree_fen": self.subtree_fen,
                "subtree": self.subtree, "line_count": u.line_count, "groups": self.groups,
                "children": [c.as_json() for c in self.children]}


@dataclass
class CityPeriod:
    city: Unit
    period: Period
    receipt: PushReceipt | None  # the push whose content stands (the last that changed something)
    history: list[PushReceipt]
    roots: list[UnitNode]

    @property
    def total_fen(self) -> int:
        return sum(n.subtree_fen for n in self.roots)

    @property
    def total(self) -> str:
        return wan_display(self.total_fen)

    def nodes(self) -> list[UnitNode]:
        """The tree in reading order, each node with its depth (for an indented table)."""
        out = []

        def walk(node):
            out.append(node)
            for child in node.children:
                walk(child)

        for root in self.roots:
            walk(root)
        return out

    def as_json(self) -> dict:
        return {"city_id": self.city.pk, "city": self.city.display_name, "period": str(self.period),
                "total_fen": self.total_fen, "total": wan_display(self.total_fen),
                "version": self.receipt.version if self.receipt else None,
                "units": [n.as_json() for n in self.roots],
                "history": [receipt_json(r) for r in self.history]}


def receipt_json(r: PushReceipt) -> dict:
    return {"version": r.version, "received_at": r.received_at.isoformat(),
            "pushed_at": r.pushed_at.isoformat() if r.pushed_at else None, "by": r.by.username if r.by else None,
            "source": r.source_name, "total_fen": r.total_fen, "total": r.total_display,
            "line_count": r.line_count, "unit_count": r.unit_count, "with_lines": r.with_lines,
            "unchanged": r.unchanged}


def _groups(receipt: PushReceipt, channels: dict) -> dict[int, list[dict]]:
    found = defaultdict(list)
    for g in (PushedRow.objects.filter(receipt=receipt).values("unit_id", "channel_code", "method")
              .annotate(amount_fen=Sum("amount_fen"), line_count=Sum("line_count"), rows=Count("id"))
              .order_by("unit_id", "channel_code", "method")):
        code, method = g["channel_code"], g["method"]
        found[g["unit_id"]].append({
            "channel_code": code, "channel": channels.get(code) or ("未归类" if not code else code),
            "method": method, "method_label": Method(method).label if method in Method.values else (method or "—"),
            "amount_fen": g["amount_fen"], "amount": wan_display(g["amount_fen"]), "line_count": g["line_count"]})
    return found


def city_period(city: Unit, period: Period) -> CityPeriod:
    history = list(PushReceipt.objects.filter(city=city, first_month=period.first, last_month=period.last)
                   .select_related("by").order_by("-received_at", "-pk"))
    receipt = next((r for r in history if not r.unchanged), None)
    if receipt is None:
        return CityPeriod(city, period, None, history, [])
    groups = _groups(receipt, receipt.channels or {})
    nodes = {u.key: UnitNode(u, groups=groups.get(u.pk, []))
             for u in PushedUnit.objects.filter(receipt=receipt).order_by("path", "order", "pk")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_key)
        (parent.children if parent else roots).append(node)

    def settle(node, depth):
        node.depth = depth
        node.children.sort(key=lambda n: (n.unit.order, n.unit.path, n.unit.pk))
        node.subtree_fen = node.unit.total_fen + sum(settle(c, depth + 1) for c in node.children)
        return node.subtree_fen

    roots.sort(key=lambda n: (n.unit.order, n.unit.path, n.unit.pk))
    for root in roots:
        settle(root, 0)
    return CityPeriod(city, period, receipt, history, roots)
