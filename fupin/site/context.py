from fupin.units import access


def site(request):
    user = getattr(request, "user", None)
    return {"is_office_admin": access.is_office_admin(user)}
