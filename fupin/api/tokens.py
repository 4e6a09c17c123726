"""Token services: create (the token is returned once), revoke, find the person behind a Bearer token."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fupin.api.models import ApiToken
from fupin.core.errors import UserError

TOKEN_PREFIX = "fpn_"
USER_UNKNOWN = "没有用户“{name}”"
USER_INACTIVE = "用户“{name}”已停用，不能为其创建令牌"
TOKEN_UNKNOWN = "没有以“{prefix}”开头的有效令牌"
TOKEN_AMBIGUOUS = "以“{prefix}”开头的令牌不止一个，请多写几位"
# Writing last_used_at on every request would make each read a write; once a minute is enough to tell use.
USE_RECORDED_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, username: str, label: str = "", by=None) -> tuple[ApiToken, str]:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise UserError(USER_UNKNOWN.format(name=username))
    if not user.is_active:
        raise UserError(USER_INACTIVE.format(name=username))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        record = ApiToken.objects.create(user=user, label=label.strip()[:100], prefix=token[:12],
                                         digest=_digest(token), created_by=by)
    return record, token


def token_find(prefix: str) -> ApiToken:
    """An active token by its first characters (what the list shows) or by the whole token."""
    prefix = prefix.strip()
    found = list(ApiToken.objects.select_related("user").filter(revoked_at__isnull=True,
                                                                prefix__startswith=prefix[:12])[:2])
    if len(prefix) > 12:
        found = [t for t in found if t.digest == _digest(prefix)]
    if not found:
        raise UserError(TOKEN_UNKNOWN.format(prefix=prefix[:12]))
    if len(found) > 1:
        raise UserError(TOKEN_AMBIGUOUS.format(prefix=prefix))
    return found[0]


def token_revoke(*, token: ApiToken, by=None) -> ApiToken:
    """Kept, never deleted: who revoked it and when stay on the record."""
    token.revoked_at, token.revoked_by = timezone.now(), by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_user(token: str):
    """The active person behind a token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = (ApiToken.objects.select_related("user").filter(digest=_digest(token), revoked_at__isnull=True)
              .first())
    if record is None or not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def tokens_list(*, user=None):
    query = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    return query.filter(user=user) if user is not None else query
