"""Reads over the ledger for pages and reports."""





def scope_root(user, unit_id=None):
    """The subtree a person looks at: the unit asked for (404 to outsiders), else the highest unit they may see."""
    from fupin.units import access
    from fupin.units.selectors import root_unit

    if unit_id:
        return access.unit_for_user_or_404(user, unit_id)
    root = root_unit()
    if root is None or access.can_view(user, root):
        return root
    visible = [m.unit for m in access._memberships(user) if m.role in access.READ_ROLES]
    if not visible:
        from django.http import Http404

        raise Http404("没有可查看的单位")
    return min(visible, key=lambda u: (u.depth, u.order, u.pk))
