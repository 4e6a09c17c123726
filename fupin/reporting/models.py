"""The ledger: what each unit reported for a period, line by line. Money in 分, quantities in grams."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from fupin.core.money import tons_display, wan_display
from fupin.core.periods import Period
from fupin.units.models import Unit


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


COUNTED_STATUSES = (Status.SUBMITTED, Status.APPROVED)


class Method(models.TextChoices):
    ONLINE = "线上", "线上"
    OFFLINE = "线下", "线下"


class ConsumptionType(models.TextChoices):
    UNIT_PURCHASE = "单位集中采购", "单位集中采购"
    PERSONAL = "职工个人消费", "职工个人消费"
    SANATORIUM = "职工疗休养", "职工疗休养"
    MODEL_WORKER = "劳模助力", "劳模助力"
    CANTEEN = "食堂采购", "食堂采购"
    OTHER = "其他", "其他"


class Purpose(models.TextChoices):
    """What the money served, as the policy rules ask (四送, holiday welfare, hardship visits)."""

    SISONG = "四送", "四送"
    HOLIDAY = "节日慰问", "节日慰问"
    HARDSHIP = "困难职工慰问", "困难职工慰问"
    OTHER = "其他", "其他"


def period_name(period: Period) -> str:
    """2020年11月, 2020年1—10月, 2020年11月—2021年2月: the period as a sentence names it."""
    label = period.label()
    return label if period.first.year != period.last.year else f"{period.first.year}年{label}"


class Submission(models.Model):
    """One unit's report for one period (a month, or a cumulative range such as 2020-01..2020-10)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions", verbose_name="单位")
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    is_zero_report = models.BooleanField("零报告", default=False, help_text="本月无消费扶贫采购")
    summary = models.TextField("工作信息", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="创建人")
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="上报人")
    # Timeliness counts the first time a report went up: a later return and resubmission is a quality matter.
    first_submitted_at = models.DateTimeField("首次上报时间", null=True, blank=True)
    signed_off_at = models.DateTimeField("单位审核时间", null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="单位审核人")
    reviewed_at = models.DateTimeField("市总审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="市总审核人")
    return_reason = models.TextField("退回原因", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "报表"
        verbose_name_plural = "报表"
        constraints = [
            models.UniqueConstraint(fields=["unit", "first_month", "last_month"], name="one_submission_per_unit_period"),
            models.CheckConstraint(condition=models.Q(first_month__lte=models.F("last_month")),
                                   name="submission_period_ordered"),
        ]
        indexes = [
            # A round's reports by when they first came (timeliness.py's `_reported_at`, the same COALESCE), so
            # that on time / late can be counted and listed from the index; replaces (first_month, last_month).
            models.Index(models.F("first_month"), models.F("last_month"),
                         Coalesce("first_submitted_at", "submitted_at"), models.F("status"), models.F("unit"),
                         name="submission_span_reported_at"),
            models.Index(fields=["status", "last_month"], name="submission_status_last_month"),  # latest month
            # Reports spanning months (a quarter, 1–10月), few beside the monthly ones: who reported within a span.
            # Covering (status too), or SQLite prefers the span index above and reads every monthly report.
            models.Index(fields=["first_month", "last_month", "status", "unit"],
                         condition=models.Q(first_month__lt=models.F("last_month")), name="submission_multi_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)

    @property
    def is_locked(self) -> bool:
        return self.status == Status.APPROVED

    @property
    def unit_may_edit(self) -> bool:
        """The unit changes its report while it is a draft or has been returned to it."""
        return self.status in (Status.DRAFT, Status.RETURNED)


class SubmissionVersion(models.Model):
    """What went up each time a report was submitted: a frozen copy, so every version can be shown later."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions",
                                   verbose_name="报表")
    number = models.PositiveIntegerField("版本")
    submitted_at = models.DateTimeField("上报时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="上报人")
    is_zero_report = models.BooleanField("零报告", default=False)
    summary = models.TextField("工作信息", blank=True)
    total_fen = models.BigIntegerField("合计（分）", default=0)
    line_count = models.PositiveIntegerField("明细条数", default=0)
    days_late = models.PositiveIntegerField("逾期工作日", default=0)
    # The lines of this version are the audit trail's state of the submission's lines at this moment.
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "报表版本"
        verbose_name_plural = "报表版本"
        ordering = ["submission", "-number"]
        constraints = [models.UniqueConstraint(fields=["submission", "number"], name="submission_version_unique")]

    def __str__(self) -> str:
        return f"{self.submission} 第{self.number}版"

    @property
    def total_display(self) -> str:
        return wan_display(self.total_fen)


def attachment_upload_to(instance, filename: str) -> str:
    return f"reporting/{instance.submission.unit_id}/{instance.submission.first_month:%Y%m}/{filename}"


class SubmissionFile(models.Model):
    """A file the unit attaches to its report (工作总结, photos of receipts)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files", verbose_name="报表")
    file = models.FileField("文件", upload_to=attachment_upload_to, max_length=300)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="上传人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "报表附件"
        verbose_name_plural = "报表附件"
        ordering = ["submission", "pk"]

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.TextChoices):
    LAST_WORKDAY = "last_workday", "当月最后一个工作日"
    WORKDAYS_AFTER = "workdays_after", "月末后第N个工作日"
    FIXED = "fixed", "指定日期"
    DAY_OF_MONTH = "day_of_month", "每月第N日（遇休息日提前）"


class Round(models.Model):
    """A reporting round: the period asked for and when it is due. Without one, a month is due on its last
    working day."""

    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    rule = models.CharField("截止规则", max_length=20, choices=DeadlineRule.choices,
                            default=DeadlineRule.LAST_WORKDAY)
    workdays_after = models.PositiveSmallIntegerField("月末后第几个工作日", null=True, blank=True)
    fixed_date = models.DateField("指定截止日期", null=True, blank=True)
    # 鲁山县 asks its own units for the 25th: that day of the period's last month, or the working day before it.
    day_of_month = models.PositiveSmallIntegerField("每月第几日", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="创建人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "统计轮次"
        verbose_name_plural = "统计轮次"
        ordering = ["-last_month", "-first_month"]
        constraints = [
            models.UniqueConstraint(fields=["first_month", "last_month"], name="one_round_per_period"),
            models.CheckConstraint(
                condition=~models.Q(rule="workdays_after", workdays_after__isnull=True),
                name="round_workdays_after_has_n"),
            models.CheckConstraint(condition=~models.Q(rule="fixed", fixed_date__isnull=True),
                                   name="round_fixed_has_date"),
            models.CheckConstraint(condition=~models.Q(rule="day_of_month", day_of_month__isnull=True),
                                   name="round_day_of_month_has_n"),
        ]

    def __str__(self) -> str:
        return f"{self.period}"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)


class CalendarYear(models.Model):
    """A year's holiday arrangement as the office entered it from the State Council's notice."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source_text = models.TextField("录入内容")
    entered_at = models.DateTimeField("录入时间", auto_now=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A day the arrangement changes: a holiday on a weekday, or a weekend day made a working day (调休)."""

    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年份")
    day = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("上班", help_text="是：调休上班；否：放假")
    name = models.CharField("名称", max_length=50, blank=True)

    class Meta:
        verbose_name = "节假日安排日期"
        verbose_name_plural = "节假日安排日期"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '放假'}"


class Channel(models.TextChoices):
    PHONE = "phone", "电话"
    MESSAGE = "message", "短信/微信"
    EMAIL = "email", "邮件"
    VISIT = "visit", "当面"
    OTHER = "other", "其他"


class Reminder(models.Model):
    """One chase (催报) of a unit for a round: a call or message the office logged, or a mail the system sent."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reminders", verbose_name="单位")
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    at = models.DateTimeField("时间")
    channel = models.CharField("方式", max_length=20, choices=Channel.choices)
    to_whom = models.CharField("对象", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+", verbose_name="催报人")
    outcome = models.CharField("结果", max_length=500, blank=True)
    automatic = models.BooleanField("系统自动", default=False)
    failed = models.BooleanField("发送失败", default=False)
    # The day an automatic mail went to this unit: at most one a day, however often cron runs `fupin remind`.
    mail_day = models.DateField("邮件日期", null=True, blank=True)

    class Meta:
        verbose_name = "催报记录"
        verbose_name_plural = "催报记录"
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "mail_day"], condition=models.Q(mail_day__isnull=False),
                                    name="one_reminder_mail_per_unit_day"),
        ]
        indexes = [models.Index(fields=["first_month", "last_month"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_channel_display()} {self.at:%Y-%m-%d}"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)


class PeriodYearField(models.SmallIntegerField):
    """The year of the line's report's first month: the key PostgreSQL partitions the lines by (docs/全国规模部署.md).
    Filled as the row is written (save() and bulk_create both ask pre_save): from the report when it is at hand
    (a line moved to another report follows it), else kept, else read once. bulk_update and update() do not ask:
    a caller moving lines across years with them lists "period_year" too."""

    def pre_save(self, model_instance, add):
        submission = model_instance._meta.get_field("submission")
        if submission.is_cached(model_instance):
            value = model_instance.submission.first_month.year
        elif (value := getattr(model_instance, self.attname)) is None and model_instance.submission_id:
            value = Submission.objects.values_list("first_month", flat=True).get(
                pk=model_instance.submission_id).year
        setattr(model_instance, self.attname, value)
        return value


class PurchaseLine(models.Model):
    """One purchase line. Every field a person may misspell is kept as written beside what it means."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="lines", verbose_name="报表")
    # Not editable, blank until written (full_clean comes first): it follows the report. On PostgreSQL the table
    # is partitioned by it (migration 0005).
    period_year = PeriodYearField("报表年份", editable=False, blank=True)
    position = models.PositiveIntegerField("序号", default=0)
    product = models.CharField("产品名称", max_length=200, blank=True)
    source_text = models.CharField("产品来源（原文）", max_length=200, blank=True)
    channel_code = models.CharField("标准渠道", max_length=20, blank=True, db_index=True,
                                    help_text="渠道分类代码，未分类时为空")
    method_text = models.CharField("采购方式（原文）", max_length=50, blank=True)
    method = models.CharField("采购方式", max_length=10, choices=Method.choices, blank=True)
    date_text = models.CharField("采购时间（原文）", max_length=50, blank=True)
    purchase_date = models.DateField("采购时间", null=True, blank=True)
    quantity_g = models.BigIntegerField("数量（克）", null=True, blank=True)
    amount_fen = models.BigIntegerField("金额（分）")
    consumption_type = models.CharField("消费类型", max_length=20, choices=ConsumptionType.choices, blank=True)
    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    explanation = models.TextField("上报说明", blank=True)
    excluded = models.BooleanField("已剔除", default=False)
    exclusion_reason = models.CharField("剔除原因", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "采购明细"
        verbose_name_plural = "采购明细"
        ordering = ["submission", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="line_amount_not_negative"),
            models.CheckConstraint(condition=~models.Q(excluded=True, exclusion_reason=""),
                                   name="line_exclusion_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.source_text or self.product} {self.amount_display}万元"

    @property
    def amount_display(self) -> str:
        return wan_display(self.amount_fen)

    @property
    def quantity_tons(self) -> str | None:
        return tons_display(self.quantity_g)
