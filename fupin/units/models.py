"""The organisation: a tree of union units with a materialised path, their aliases, and who works for which."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fupin.core.text import normalize


class UnitKind(models.TextChoices):
    CITY = "city", "市总工会"
    COUNTY = "county", "县（市、区）总工会"
    ZONE = "zone", "功能区工会联合会"
    DIRECT = "direct", "市直工会"
    INDUSTRY = "industry", "产业工会"
    ENTERPRISE = "enterprise", "直属企业工会"
    ORGAN = "organ", "市总机关"
    PROVINCE = "province", "省总工会"
    GRASSROOTS = "grassroots", "基层工会"
    OTHER = "other", "其他"


class Unit(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级单位")
    # "/1/25/": ancestors' ids, so a subtree is one index range scan (see Unit.subtree_range).
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    name = models.CharField("单位全称", max_length=100)
    short_name = models.CharField("简称", max_length=50, help_text="统计表中显示的名称")
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, default=UnitKind.OTHER)
    order = models.PositiveIntegerField("排序", default=0)
    member_count = models.PositiveIntegerField("会员人数", default=0)
    active = models.BooleanField("在用", default=True)
    email = models.EmailField("联系邮箱", blank=True)
    # Four eyes: whoever entered or changed a report may not also sign it off or approve it, unless the office
    # switches that off for a unit with one person (set through units.services.unit_same_person_allow).
    same_person_may_approve = models.BooleanField("本单位只有一人，允许同一人填报和审核", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "short_name"], name="unit_short_name_unique_under_parent"),
        ]
        indexes = [
            # Partial, since Django writes active=True as a bare "active" (no equality an index could seek):
            # a subtree's active units, counted; its few retired ones.
            models.Index(fields=["path"], condition=models.Q(active=True), name="unit_active_path"),
            models.Index(fields=["path"], condition=models.Q(active=False), name="unit_retired_path"),
            # The whole tree's active units, walked in registry order: a page, or the first few without a report.
            models.Index(fields=["depth", "order", "id"], condition=models.Q(active=True),
                         name="unit_active_registry_order"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != self.path:
            old_path, self.path, self.depth = self.path, new_path, new_path.count("/") - 2
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old_path:
                lo, hi = subtree_bounds(old_path)
                for pk, path in Unit.objects.filter(path__gt=lo, path__lt=hi).values_list("pk", "path"):
                    moved = new_path + path[len(old_path):]
                    Unit.objects.filter(pk=pk).update(path=moved, depth=moved.count("/") - 2)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def subtree_q(self, prefix: str = "") -> models.Q:
        lo, hi = subtree_bounds(self.path)
        return models.Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lt": hi})

    def is_ancestor_of(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)


def subtree_bounds(path: str) -> tuple[str, str]:
    """'/1/25/' → ('/1/25/', '/1/250'): '0' sorts right after '/', so the range holds exactly the subtree."""
    return path, path[:-1] + "0"


class UnitAlias(models.Model):
    """Another way people write a unit's name (郟县 for 郏县, 宝丰 for 宝丰县)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位")
    text = models.CharField("写法", max_length=100)
    key = models.CharField("规范化写法", max_length=100, unique=True, editable=False)
    # Who added or removed a way of writing a name, and why (rename, merge, by hand): the office's page removes
    # an alias by deleting its row, and this history keeps what it said.
    history = HistoricalRecords()

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        self.key = normalize(self.text)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    ADMIN = "admin", "市总管理员"
    REPORTER = "reporter", "单位填报员"
    APPROVER = "approver", "单位审核人"
    VIEWER = "viewer", "查看"


class Membership(models.Model):
    """A person's role at a unit; it reaches that unit and every unit below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name="用户")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name="单位")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    phone = models.CharField("电话", max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "人员角色"
        verbose_name_plural = "人员角色"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}：{self.get_role_display()}"
