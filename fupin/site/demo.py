"""Demo logins: the city office, a leader, and one unit's reporter."""

from django.contrib.auth import get_user_model
from django.db import transaction

from fupin.units.models import Membership, Role
from fupin.units.selectors import root_unit, unit_find

# Easy to remember, and set with set_password, which deliberately skips AUTH_PASSWORD_VALIDATORS (fupin-yexian-shenhe
# is too like its user name). They exist only after `fupin demo`; `fupin init` makes no account that can log in.
DEMO_USERS = [
    # username, password, display name, unit (None: the city union), role
    ("office", "fupin-office", "市总扶贫办", None, Role.ADMIN),
    ("leader", "fupin-leader", "市总领导", None, Role.VIEWER),
    ("yexian", "fupin-yexian", "叶县总工会填报员", "叶县", Role.REPORTER),
    ("yexian-shenhe", "fupin-yexian-shenhe", "叶县总工会审核人", "叶县", Role.APPROVER),
    ("wugang", "fupin-wugang", "舞钢市总工会填报员", "舞钢市", Role.REPORTER),
]


def demo_users_create() -> list[tuple[str, str, str]]:
    """Create (or reset the passwords of) the demo logins; returns (username, password, who) for the terminal."""
    User = get_user_model()
    shown = []
    with transaction.atomic():
        for username, password, who, unit_name, role in DEMO_USERS:
            unit = unit_find(unit_name) if unit_name else root_unit()
            user, _ = User.objects.get_or_create(username=username, defaults={"first_name": who})
            user.set_password(password)
            user.is_staff = role == Role.ADMIN
            user.save()
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
            shown.append((username, password, f"{who}（{unit.display_name}，{role.label}）"))
    return shown
