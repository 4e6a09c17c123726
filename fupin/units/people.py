"""People: the system account that signs changes made from the command line."""

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


def system_user():
    """Changes made by `fupin` commands are attributed to this account in the audit trail."""
    user, _ = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "系统", "is_active": False})
    return user
