"""People and their roles, as the city office manages them in the site: create an account, deactivate or
reactivate it (never delete: reports and the audit trail still name the person), give or take a role at a unit.
Each change leaves an AccountEvent; role changes also leave Membership's own history (who, why)."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from fupin.core.errors import UserError
from fupin.core.text import normalize
from fupin.site import accounts
from fupin.site.models import AccountEvent, AccountEventKind, AccountProfile
from fupin.units.models import Membership, Role, Unit

USERNAME_MISSING = "请填写用户名"
USERNAME_BAD = "用户名“{value}”只能由字母、数字和 @ . + - _ 组成，最长 150 个字符"
USERNAME_TAKEN = "用户名“{value}”已被使用"
NAME_MISSING = "请填写姓名"
PHONE_BAD = "手机号“{value}”格式不对，应为 11 位数字、以 1 开头（如 13812345678）"
PHONE_TAKEN = "手机号“{value}”已被账号 {username} 使用"
EMAIL_BAD = "邮箱“{value}”格式不对（应如 name@example.cn）"
SELF_DEACTIVATE = "不能停用自己的账号"
SUPERUSER_ONLY = "只有超级管理员可以停用超级管理员的账号"
ROLE_HELD = "{person}在{unit}已是{role}"
ROLE_NOT_HELD = "{person}在{unit}没有{role}的角色"
UNIT_RETIRED = "单位“{unit}”已停用，不能再授予角色"
LAST_OFFICE_ADMIN = "这是最后一位市总管理员，撤销后就没有人能管理系统了"

USERNAME_PATTERN = re.compile(r"^[\w.@+-]{1,150}$")
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def phone_clean(value) -> str:
    """What people type for a mobile number: spaces, dashes, +86, or a spreadsheet number (13812345678.0)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize(str(value or "")).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


def phone_problem(phone: str) -> str | None:
    return None if PHONE_PATTERN.match(phone) else PHONE_BAD.format(value=phone)


def email_problem(email: str) -> str | None:
    if not email:
        return None
    try:
        validate_email(email)
    except ValidationError:
        return EMAIL_BAD.format(value=email)
    return None


def phone_holder(phone: str):
    profile = AccountProfile.objects.select_related("user").filter(phone=phone).first()
    return profile.user if profile else None


@dataclass
class NewPerson:
    username: str
    name: str
    phone: str
    email: str = ""


def person_problems(person: NewPerson) -> dict[str, str]:
    """Field → what is wrong, for the create form; empty when the person may be created."""
    problems: dict[str, str] = {}
    if not person.username:
        problems["username"] = USERNAME_MISSING
    elif not USERNAME_PATTERN.match(person.username):
        problems["username"] = USERNAME_BAD.format(value=person.username)
    elif get_user_model().objects.filter(username=person.username).exists():
        problems["username"] = USERNAME_TAKEN.format(value=person.username)
    if not person.name:
        problems["name"] = NAME_MISSING
    if person.phone:
        problem = phone_problem(person.phone)
        holder = None if problem else phone_holder(person.phone)
        if problem or holder:
            problems["phone"] = problem or PHONE_TAKEN.format(value=person.phone, username=holder.username)
    if problem := email_problem(person.email):
        problems["email"] = problem
    return problems


def _create(person: NewPerson, *, by, note: str = ""):
    """One account with a random initial password it must change; returns (user, password)."""
    user = get_user_model()(username=person.username, first_name=person.name, email=person.email)
    password = accounts.password_generate(user)
    user.set_password(password)
    user.save()
    AccountProfile.objects.create(user=user, phone=person.phone or None, must_change_password=True)
    AccountEvent.objects.create(kind=AccountEventKind.CREATE, by=by, user=user, username=user.username,
                                note=note[:200])
    return user, password


@transaction.atomic
def person_create(person: NewPerson, *, by, roles: list[tuple[Unit, str]] = ()):
    """Create one account (and its first roles); returns (user, initial password), the password to be shown once."""
    problems = person_problems(person)
    if problems:
        raise UserError("；".join(problems.values()), details=list(problems.items()))
    try:
        with transaction.atomic():
            user, password = _create(person, by=by, note="在账号页新建")
    except IntegrityError:  # someone took the name or number in the meantime
        raise UserError(USERNAME_TAKEN.format(value=person.username)) from None
    for unit, role in roles:
        role_add(user=user, unit=unit, role=role, by=by)
    return user, password


def _refuse_touching(user, by) -> None:
    if user.pk == by.pk:
        raise UserError(SELF_DEACTIVATE)
    if user.is_superuser and not by.is_superuser:
        raise UserError(SUPERUSER_ONLY)


@transaction.atomic
def person_deactivate(*, user, by) -> None:
    """The person can no longer log in (their open sessions end at the next page); everything they did stays."""
    _refuse_touching(user, by)
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    AccountEvent.objects.create(kind=AccountEventKind.DEACTIVATE, by=by, user=user, username=user.username)


@transaction.atomic
def person_reactivate(*, user, by) -> None:
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    AccountEvent.objects.create(kind=AccountEventKind.REACTIVATE, by=by, user=user, username=user.username)


def _role_words(user, unit: Unit, role: str) -> dict:
    return {"person": user.first_name or user.username, "unit": unit.display_name, "role": Role(role).label}


def _audited(membership: Membership, by, reason: str) -> Membership:
    membership._history_user = by
    membership._change_reason = reason
    return membership


@transaction.atomic
def role_add(*, user, unit: Unit, role: str, by) -> Membership:
    if not unit.active:
        raise UserError(UNIT_RETIRED.format(unit=unit.display_name))
    words = _role_words(user, unit, role)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        raise UserError(ROLE_HELD.format(**words))
    membership = _audited(Membership(user=user, unit=unit, role=role), by, "市总在账号页授予角色")
    membership.save()
    AccountEvent.objects.create(kind=AccountEventKind.ROLE_ADD, by=by, user=user, username=user.username,
                                note=f"{words['unit']}·{words['role']}")
    return membership


@transaction.atomic
def role_remove(*, user, unit: Unit, role: str, by) -> None:
    """The role ends. The Membership row goes, its history keeps who held it until when and who took it away."""
    words = _role_words(user, unit, role)
    membership = Membership.objects.filter(user=user, unit=unit, role=role).first()
    if membership is None:
        raise UserError(ROLE_NOT_HELD.format(**words))
    if role == Role.ADMIN and unit.parent_id is None and not Membership.objects.filter(
            role=Role.ADMIN, unit__parent__isnull=True, user__is_active=True).exclude(pk=membership.pk).exists():
        raise UserError(LAST_OFFICE_ADMIN)
    _audited(membership, by, "市总在账号页撤销角色").delete()
    AccountEvent.objects.create(kind=AccountEventKind.ROLE_REMOVE, by=by, user=user, username=user.username,
                                note=f"{words['unit']}·{words['role']}")


def person_events(user, limit: int = 30):
    return AccountEvent.objects.filter(user=user).select_related("by")[:limit]
