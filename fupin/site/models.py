"""The accounts' audit trail: who unlocked or reset whose login, and when. Rows are never deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountEventKind(models.TextChoices):
    UNLOCK = "unlock", "解除登录锁定"
    PASSWORD_RESET = "password_reset", "重置密码"
    PASSWORD_CHANGE = "password_change", "本人修改密码"


class AccountEvent(models.Model):
    kind = models.CharField("操作", max_length=20, choices=AccountEventKind.choices)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_events_done",
                           verbose_name="操作人")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="account_events", verbose_name="账号")
    # As locked: a name typed at the login page need not be an account; an address has none.
    username = models.CharField("用户名", max_length=255, blank=True)
    ip_address = models.GenericIPAddressField("地址", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "账号操作记录"
        verbose_name_plural = "账号操作记录"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by}：{self.get_kind_display()} {self.username or self.ip_address}"
