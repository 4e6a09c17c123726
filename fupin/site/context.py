from fupin.units import access
from fupin.units.selectors import root_unit


def site(request):
    """What the menu needs: the office's own pages, and the pages about the whole system (the circular)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"is_office_admin": False, "sees_whole_system": False, "edits_somewhere": False}
    root = root_unit()
    return {"is_office_admin": access.is_office_admin(user),
            "sees_whole_system": root is not None and access.can_view(user, root),
            "edits_somewhere": access.edits_somewhere(user)}
