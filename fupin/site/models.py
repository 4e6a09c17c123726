"""The accounts' audit trail (who unlocked, reset, created, deactivated whom, gave or took which role, and when),
each person's phone and must-change-password flag, and the initial-password files a roster import hands out.
Rows are never deleted."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountEventKind(models.TextChoices):
    UNLOCK = "unlock", "解除登录锁定"
    PASSWORD_RESET = "password_reset", "重置密码"
    PASSWORD_CHANGE = "password_change", "本人修改密码"
    CREATE = "create", "新建账号"
    DEACTIVATE = "deactivate", "停用账号"
    REACTIVATE = "reactivate", "恢复账号"
    ROLE_ADD = "role_add", "授予角色"
    ROLE_REMOVE = "role_remove", "撤销角色"
    ROSTER_IMPORT = "roster_import", "批量导入名单"
    PASSWORDS_DOWNLOAD = "passwords_download", "下载初始密码"


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


class AccountProfile(models.Model):
    """What Django's user lacks: the mobile number (one person per number) and whether the password in use is an
    initial one the office handed out, which its holder must change before doing anything else."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, primary_key=True,
                                related_name="profile", verbose_name="账号")
    phone = models.CharField("手机", max_length=20, null=True, blank=True, unique=True)
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    class Meta:
        verbose_name = "账号资料"
        verbose_name_plural = "账号资料"

    def __str__(self) -> str:
        return f"{self.user}（{self.phone or '无手机'}）"


class PasswordHandout(models.Model):
    """A file of initial passwords written by a roster import: downloadable once, by the person who imported,
    then removed from the disk (this row stays, saying when it was fetched)."""

    token = models.CharField("令牌", max_length=64, unique=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="password_handouts",
                           verbose_name="导入人")
    at = models.DateTimeField("导入时间", default=timezone.now)
    source_name = models.CharField("名单文件", max_length=255)
    people = models.PositiveIntegerField("人数")
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    class Meta:
        verbose_name = "初始密码文件"
        verbose_name_plural = "初始密码文件"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.people} 人）"
