"""The one place that answers "may this person see or change this unit's data".

Every view, export, command and API asks here. A person's role at a unit reaches that unit and all units below it;
the city office's administrators (and superusers) reach everything.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from fupin.units.models import Membership, Role, Unit

READ_ROLES = {Role.ADMIN, Role.REPORTER, Role.APPROVER, Role.VIEWER}
EDIT_ROLES = {Role.ADMIN, Role.REPORTER}
APPROVE_ROLES = {Role.ADMIN, Role.APPROVER}
# Who sees a report still being filled in (a draft, or one returned to its unit): those who fill it in, sign it
# off or review it. Viewers (leaders) see submitted and approved figures only.
IN_PROGRESS_ROLES = {Role.ADMIN, Role.REPORTER, Role.APPROVER}


def _memberships(user) -> list[Membership]:
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_fupin_memberships", None)
    if cached is None:
        cached = list(Membership.objects.select_related("unit").filter(user=user, unit__active=True))
        user._fupin_memberships = cached
    return cached


def is_office_admin(user) -> bool:
    """The city office: sees and manages everything."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role == Role.ADMIN and m.unit.parent_id is None for m in _memberships(user))


def roles_for(user, unit: Unit) -> set[str]:
    """The roles that reach `unit`: those held at it or at any unit above it."""
    if is_office_admin(user):
        return {Role.ADMIN}
    return {m.role for m in _memberships(user) if unit.path.startswith(m.unit.path)}


def can_view(user, unit: Unit) -> bool:
    return bool(roles_for(user, unit) & READ_ROLES)


def can_edit(user, unit: Unit) -> bool:
    return bool(roles_for(user, unit) & EDIT_ROLES)


def edits_somewhere(user) -> bool:
    """Fills in some unit's reports (the menu offers 导入 only to them)."""
    return is_office_admin(user) or any(m.role in EDIT_ROLES for m in _memberships(user))


def can_approve(user, unit: Unit) -> bool:
    """Sign off the unit's report before it goes up (单位审核人), or anything an administrator may do."""
    return bool(roles_for(user, unit) & APPROVE_ROLES)


def can_view_in_progress(user, unit: Unit) -> bool:
    """See a unit's report, its lines and files before it is submitted (reporting.selectors applies this)."""
    return bool(roles_for(user, unit) & IN_PROGRESS_ROLES)


def can_review(user, unit: Unit) -> bool:
    """Accept or return a unit's report: the city office, or an administrator of a unit above it."""
    if is_office_admin(user):
        return True
    return any(m.role == Role.ADMIN and unit.path.startswith(m.unit.path) and m.unit.path != unit.path
               for m in _memberships(user))


# Every "may this person …" question, by name: views, exports and commands ask `may(user, action, unit)`.
ACTIONS = {
    "view": can_view,  # see the unit's figures, reports, timeliness
    "view_in_progress": can_view_in_progress,  # see a draft or returned report, and its files
    "edit": can_edit,  # fill in and submit the unit's report
    "sign_off": can_approve,  # 单位审核人: sign off before submission
    "review": can_review,  # accept (已审核), return (已退回), unlock
}
OFFICE_ACTIONS = {"manage", "chase"}  # rounds, the calendar and the unit tree; logging and sending reminders


def may(user, action: str, unit: Unit | None = None) -> bool:
    """The one question: may `user` do `action` (to `unit`'s data)? Unknown actions are refused."""
    if action in OFFICE_ACTIONS:
        return is_office_admin(user)
    check = ACTIONS.get(action)
    if check is None or unit is None:
        return False
    return check(user, unit)


def visible_units_q(user, prefix: str = "") -> Q:
    """A filter for any query reaching units through `prefix` (e.g. "submission__unit__")."""
    if is_office_admin(user):
        return Q()
    q = Q(pk__in=[])
    for membership in _memberships(user):
        if membership.role in READ_ROLES:
            q |= membership.unit.subtree_q(prefix)
    return q


def visible_units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(visible_units_q(user))


def unit_for_user_or_404(user, unit_id, *, write: bool = False, action: str | None = None) -> Unit:
    """Outsiders get 404, so that a unit's existence does not leak; read-only people get PermissionDenied.

    `action` names what is asked beyond seeing (see ACTIONS); `write=True` means action="edit".
    """
    held = next((m.unit for m in _memberships(user) if str(m.unit_id) == str(unit_id)), None)  # read already
    unit = held or Unit.objects.filter(pk=unit_id).first()
    if unit is None or not can_view(user, unit):
        raise Http404("单位不存在")
    action = action or ("edit" if write else None)
    if action and not may(user, action, unit):
        raise PermissionDenied(DENIED.get(action, "您没有进行此操作的权限"))
    return unit


DENIED = {
    "edit": "您没有修改该单位数据的权限",
    "sign_off": "只有本单位的审核人可以签字确认",
    "review": "只有市总管理员可以审核、退回或解锁报表",
    "view_in_progress": "该报表尚在填报中，上报后才能查看",
}
