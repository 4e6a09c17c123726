"""An upload kept between the preview and the confirmation: the file as sent and what the preview found."""

from django.conf import settings
from django.db import models

from fupin.core.periods import Period
from fupin.units.models import Unit


class JobStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    REFUSED = "refused", "有错误，未导入"
    IMPORTED = "imported", "已导入"
    CANCELLED = "cancelled", "已取消"


class ImportJob(models.Model):
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="上传人")
    file_name = models.CharField("文件名", max_length=255)
    content = models.BinaryField("文件内容")
    size = models.PositiveBigIntegerField("大小（字节）", default=0, help_text="上传时的大小，计入每人每天的上传额度")
    # A refused or cancelled upload's bytes are dropped after the retention period (fupin uploads purge); the job
    # and its messages stay.
    content_purged_at = models.DateTimeField("文件内容清除时间", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    first_month = models.DateField("起始月份")
    last_month = models.DateField("截止月份")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="单位", help_text="本单位报表；为空时为多单位汇总表")
    status = models.CharField("状态", max_length=20, choices=JobStatus.choices, default=JobStatus.PREVIEWED)
    report = models.JSONField("检查结果", default=dict)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入"
        verbose_name_plural = "导入"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"]), models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def period(self) -> Period:
        return Period(self.first_month, self.last_month)
