"""Accounts: where a login comes from, until when a lock holds, and the office's unlock and password reset.

Throttling itself is django-axes (settings AXES_*): it counts failed logins per account and per address in its
AccessAttempt table. This module reads that table to say until when, and clears it, with an audit row, to unlock.
"""

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.site.models import AccountEvent, AccountEventKind, AccountProfile
from fupin.units.people import SYSTEM_USERNAME

SUPERUSER_RESET_REFUSED = "只有超级管理员可以重置超级管理员的密码"
NOTHING_TO_UNLOCK = "请指明要解锁的用户名或地址"
LOCKS_SHOWN = 100


def client_ip(request) -> str | None:
    """The address a login comes from (AXES_CLIENT_IP_CALLABLE).

    Each of the FUPIN_TRUSTED_PROXIES reverse proxies appends the address it saw to X-Forwarded-For, so the client
    is that many entries from the right; anything further left the client wrote itself. (django-ipware's current
    algorithm falls back to the proxy's own address when a client sends such a header: everyone would then share
    one lock, and anyone could lock everyone out.)
    """
    hops = settings.FUPIN_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops and _is_ip(forwarded[-hops]):
            return forwarded[-hops]
    remote = request.META.get("REMOTE_ADDR")
    return remote if remote and _is_ip(remote) else None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Lock:
    field: str  # "username" or "ip_address": an account, or an address
    value: str
    failures: int
    until: datetime


def _window() -> QuerySet[AccessAttempt]:
    """The failures that still count: axes forgets an attempt a cool-off after it."""
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def _until(rows: list[tuple[datetime, int]]) -> datetime | None:
    """(attempt_time, failures) of one account or address. Newest first, the row that brings the failures to the
    limit is the one whose leaving the window ends the lock."""
    total = 0
    for at, failures in sorted(rows, reverse=True):
        total += failures
        if total >= settings.AXES_FAILURE_LIMIT:
            return at + settings.AXES_COOLOFF_TIME
    return None


def lock_for(*, username: str | None, ip_address: str | None) -> Lock | None:
    """The lock a login with this name from this address meets, if any: the account's or the address's, whichever
    lasts longer."""
    found = []
    for field, value in (("username", username), ("ip_address", ip_address)):
        if value:
            rows = list(_window().filter(**{field: value}).values_list("attempt_time", "failures_since_start"))
            until = _until(rows)
            if until is not None:
                found.append(Lock(field, value, sum(f for _, f in rows), until))
    return max(found, key=lambda lock: lock.until, default=None)


def locks_current(field: str) -> tuple[list[Lock], int]:
    """Accounts (field="username") or addresses ("ip_address") locked now, the latest first: at most LOCKS_SHOWN of
    them, in two queries, and how many there are in all."""
    known = _window().exclude(**{f"{field}__isnull": True})
    if field == "username":
        known = known.exclude(username="")
    groups = (known.values(field).annotate(total=Sum("failures_since_start"))
              .filter(total__gte=settings.AXES_FAILURE_LIMIT))
    count = groups.count()
    values = [g[field] for g in groups.order_by(field)[:LOCKS_SHOWN]]
    rows: dict[str, list] = {}
    for value, at, failures in _window().filter(**{f"{field}__in": values}).values_list(
            field, "attempt_time", "failures_since_start"):
        rows.setdefault(value, []).append((at, failures))
    locks = [Lock(field, v, sum(f for _, f in rows[v]), _until(rows[v])) for v in values if v in rows]
    return sorted(locks, key=lambda lock: lock.until, reverse=True), count


def until_display(moment: datetime) -> str:
    """2026年12月1日 21:30, local time, rounded up to the minute: at the minute shown the lock is over."""
    local = timezone.localtime(moment)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@transaction.atomic
def lock_release(*, by, username: str = "", ip_address: str = "") -> AccountEvent:
    """Unlock an account or an address: its failed logins are forgotten, and the audit trail says who did it."""
    if bool(username) == bool(ip_address):
        raise UserError(NOTHING_TO_UNLOCK)
    if ip_address and not _is_ip(ip_address):
        raise UserError(f"“{ip_address}”不是网络地址")
    which = {"username": username} if username else {"ip_address": ip_address}
    failures = _failures_forget(**which)
    user = get_user_model().objects.filter(username=username).first() if username else None
    return AccountEvent.objects.create(kind=AccountEventKind.UNLOCK, by=by, user=user, username=username,
                                       ip_address=ip_address or None, note=f"清除失败登录 {failures} 次")


def _failures_forget(**which) -> int:
    """Clear an account's or an address's failed logins through axes; returns how many failures they were."""
    failures = AccessAttempt.objects.filter(**which).aggregate(n=Sum("failures_since_start"))["n"] or 0
    AxesProxyHandler.reset_attempts(**which)
    return failures


# No 0/O, 1/l/I: an initial password is often read out over the phone.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def password_generate(user) -> str:
    """Random, 12 characters in three groups (about 70 bits), and passing the site's own password rules."""
    while True:
        password = "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


def people_resettable():
    """Whose password the office may reset: everyone but the system account that signs command-line changes."""
    return get_user_model().objects.exclude(username=SYSTEM_USERNAME)


@transaction.atomic
def password_reset(*, user, by) -> str:
    """Give `user` a new random initial password and return it, to be shown once (only its hash is kept). The
    account's lock is lifted too: whoever forgot a password has usually locked the account trying."""
    if user.is_superuser and not by.is_superuser:
        raise UserError(SUPERUSER_RESET_REFUSED)
    password = password_generate(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    password_change_require(user)
    failures = _failures_forget(username=user.get_username())
    note = f"并清除失败登录 {failures} 次" if failures else ""
    AccountEvent.objects.create(kind=AccountEventKind.PASSWORD_RESET, by=by, user=user,
                                username=user.get_username(), note=note)
    return password


def password_changed(*, user) -> AccountEvent:
    """A person changed their own password (Django's form did the checking and saving): an initial password no
    longer stands, so the must-change flag goes."""
    due = AccountProfile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
    return AccountEvent.objects.create(kind=AccountEventKind.PASSWORD_CHANGE, by=user, user=user,
                                       username=user.get_username(), note="已更换初始密码" if due else "")


def password_change_require(user) -> None:
    """The password now in use was handed out by the office (created, imported, reset): its holder must choose
    their own at the next login (fupin.site.middleware holds every page until then)."""
    AccountProfile.objects.update_or_create(user=user, defaults={"must_change_password": True})


def password_change_due(user) -> bool:
    return AccountProfile.objects.filter(user=user, must_change_password=True).exists()


def people_search(text: str) -> QuerySet:
    """The office's list of people, optionally narrowed by a part of the user name, name, mobile number or unit."""
    people = (people_resettable().select_related("profile").prefetch_related("memberships__unit")
              .order_by("username"))
    text = text.strip()
    if text:
        people = people.filter(Q(username__icontains=text) | Q(first_name__icontains=text)
                               | Q(last_name__icontains=text) | Q(profile__phone__icontains=text)
                               | Q(memberships__unit__short_name__icontains=text)
                               | Q(memberships__unit__name__icontains=text)).distinct()
    return people


def events_recent(limit: int = 30) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.select_related("by", "user")[:limit]
