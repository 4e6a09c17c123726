"""The standard channel taxonomy (产品来源 / 采购渠道) and the ways units write each channel."""

from django.db import models
from simple_history.models import HistoricalRecords

from fupin.core.text import normalize


class ChannelNature(models.TextChoices):
    ONLINE = "线上", "线上"
    OFFLINE = "线下", "线下"
    EITHER = "", "不限"


class Channel(models.Model):
    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    description = models.CharField("说明", max_length=300, blank=True)
    nature = models.CharField("采购方式属性", max_length=10, choices=ChannelNature.choices, blank=True,
                              help_text="线上渠道（如832平台）登记为线下时提示核实")
    order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "标准渠道"
        verbose_name_plural = "标准渠道"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ChannelAlias(models.Model):
    """A source text known to mean a channel: from the taxonomy file, or confirmed by the office."""

    class Origin(models.TextChoices):
        DEFAULT = "default", "默认分类表"
        OFFICE = "office", "市总确认"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="aliases", verbose_name="渠道")
    text = models.CharField("写法", max_length=200)
    key = models.CharField("规范化写法", max_length=200, unique=True, editable=False)
    origin = models.CharField("来源", max_length=20, choices=Origin.choices, default=Origin.DEFAULT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "渠道别名"
        verbose_name_plural = "渠道别名"

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs):
        self.key = normalize(self.text)
        super().save(*args, **kwargs)


class ChannelKeyword(models.Model):
    """A word that, found inside a source text, points to a channel (直播 → 直播带货). Kept by the office."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="keywords", verbose_name="渠道")
    word = models.CharField("关键词", max_length=100,
                            help_text="出现在产品来源中即指向该渠道的词；勾选“正则”时为正则表达式")
    weight = models.PositiveSmallIntegerField("把握（%）", default=90,
                                              help_text="命中该词时的把握，低于80%的命中需人工确认")
    is_pattern = models.BooleanField("正则", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "渠道关键词"
        verbose_name_plural = "渠道关键词"
        constraints = [
            models.UniqueConstraint(fields=["channel", "word"], name="one_keyword_per_channel_word"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=100), name="keyword_weight_percent"),
        ]

    def __str__(self) -> str:
        return self.word


class StatedTotal(models.Model):
    """The subtotal a unit wrote beside its lines (合计 column), kept to compare with the lines' sum."""

    submission = models.OneToOneField("reporting.Submission", on_delete=models.CASCADE, related_name="stated_total",
                                      verbose_name="报表")
    amount_fen = models.BigIntegerField("填报合计（分）")
    source = models.CharField("出处", max_length=200, blank=True, help_text="如导入文件名与行号")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "填报合计"
        verbose_name_plural = "填报合计"

    def __str__(self) -> str:
        return f"{self.submission} 合计"


class NonConsumptionWord(models.Model):
    """A word (or pattern) that marks a line as probably not consumption (招待费, 礼品卡 …), with the reason the
    reporter reads. Kept by the office: defaults come from data/non_consumption.tsv (`fupin init`); the office adds
    and deactivates words on the screening page, each change in the audit trail. A hit is a 警告, never a drop."""

    word = models.CharField("关键词", max_length=100, unique=True,
                            help_text="出现在产品名称、产品来源或备注中即提示；勾选“正则”时为正则表达式")
    is_pattern = models.BooleanField("正则", default=False)
    reason = models.CharField("原因", max_length=200, help_text="为什么通常不属于消费扶贫，填报单位会看到")
    exceptions = models.CharField("例外", max_length=300, blank=True,
                                  help_text="含这些词时不提示，用“|”分隔，例如 产销对接会议|推介会议")
    active = models.BooleanField("在用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "非消费关键词"
        verbose_name_plural = "非消费关键词"
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ReviewItem(models.Model):
    """One item of the office's review queue, stored so that a page reads LIMIT 50 rows whatever the ledger's size:
    a finding (every rule's, counted as quality/findings.py counts them), a line waiting for a channel, or an
    excluded line. Derived data: quality/stored.py replaces a report's items when its lines or status change, and
    `fupin findings rebuild` repairs them. Only reports the office reviews (已上报, 已审核) have items.

    The ledger's own deletes never wait on these rows (no database constraint): the refresh removes what is left."""

    class Section(models.TextChoices):
        WAITING = "waiting", "渠道待确认"
        DUPLICATES = "duplicates", "可合并的重复明细"  # a group's first line: the group is one item
        GROUP = "group", "重复明细的其余行"  # the group's other lines: findings, not items of their own
        FINDINGS = "findings", "其他发现"
        MISSING_KINDS = "missing_kinds", "缺少消费类型"
        CHANNEL = "channel", "渠道待确认（发现）"  # channel_unclear findings: the queue shows their lines as waiting
        EXCLUDED = "excluded", "已剔除"

    section = models.CharField("栏目", max_length=20, choices=Section.choices)
    # Their indexes are the named ones in Meta; the keys' own would be second copies, each written with every row.
    submission = models.ForeignKey("reporting.Submission", on_delete=models.DO_NOTHING, db_constraint=False,
                                   db_index=False, related_name="+", verbose_name="报表")
    line = models.ForeignKey("reporting.PurchaseLine", on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                             related_name="+", verbose_name="明细")
    unit = models.ForeignKey("units.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+", verbose_name="单位")
    unit_path = models.CharField("单位路径", max_length=255)  # the unit filter is a range over it (subtree)
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    status = models.CharField("报表状态", max_length=20)
    rule = models.CharField("规则", max_length=40, blank=True)
    severity = models.CharField("级别", max_length=10, blank=True)
    severity_rank = models.PositiveSmallIntegerField("级别顺序", default=9)  # 错误 0, 警告 1, 提示 2, lines 9
    position = models.PositiveIntegerField("行号", default=0)
    amount_fen = models.BigIntegerField("金额（分）", default=0)
    message = models.TextField("说明", blank=True)
    suggestions = models.JSONField("建议渠道", default=list, blank=True)
    # A duplicate group's lines: on its first line's row; its other lines' rows hold [that line's id] (n ids a group,
    # not n²), and stored.groups_filled gives them the list.
    related = models.JSONField("同组明细", default=list, blank=True)

    class Meta:
        verbose_name = "审核队列条目"
        verbose_name_plural = "审核队列条目"
        # Each index gives a section's order (a page is its first 50 entries, no sort) and holds every column the
        # filters read, so counting a section reads the index alone.
        indexes = [
            models.Index(fields=["section", "severity_rank", "unit_path", "position", "rule", "first_month",
                                 "line_id", "last_month", "status", "severity"], name="review_item_order"),
            models.Index(fields=["section", "rule", "severity_rank", "unit_path", "position", "first_month",
                                 "line_id", "last_month", "status", "severity"], name="review_item_rule"),
            models.Index(fields=["section", "unit_path", "first_month", "position", "line_id", "last_month",
                                 "status", "amount_fen"], name="review_item_lines"),
            # a report's items, and of those its amount outliers (which another report of the unit changes)
            models.Index(fields=["submission", "rule"], name="review_item_submission_rule"),
            models.Index(fields=["unit"], name="review_item_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} {self.rule} {self.message[:30]}"

    @property
    def rule_name(self) -> str:
        from fupin.quality.rules import RULE_NAMES  # rules import the models

        return RULE_NAMES.get(self.rule, self.rule)


class StaleReport(models.Model):
    """A report whose review items may be out of date: marked in the same transaction as the change, refreshed
    right after it commits (or by the next reader, when that refresh did not run). Each change adds a mark of its
    own, and a refresh deletes only the marks it read before it began: a writer's mark made meanwhile, committed or
    not yet, stays for the next refresh (with one mark a report, that writer would find it there, add nothing, and
    see the refresh delete it)."""

    submission_id = models.BigIntegerField("报表", db_index=True)

    class Meta:
        verbose_name = "待刷新的报表"
        verbose_name_plural = "待刷新的报表"

    def __str__(self) -> str:
        return f"报表{self.submission_id}待刷新"


class ReviewClock(models.Model):
    """SQLite: a unit's count of changes to its reports, moved on with each stale mark, in the writer's transaction.
    A refresh computes its items before its write transaction; that transaction writes them only if the units'
    clocks still read what they read when it began (stored.items_refresh). A unit's row is written by its first
    mark."""

    unit_id = models.BigIntegerField("单位", primary_key=True)
    ticks = models.BigIntegerField("变更次数", default=0)

    class Meta:
        verbose_name = "审核队列变更计数"
        verbose_name_plural = "审核队列变更计数"

    def __str__(self) -> str:
        return f"单位{self.unit_id}变更{self.ticks}次"
