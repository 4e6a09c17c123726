"""Reads over the ledger for pages and reports."""

from datetime import date

from django.db.models import Max
from django.utils import timezone

from fupin.core.periods import Period
from fupin.reporting.models import COUNTED_STATUSES, Submission


def default_period() -> Period:
    """January to the latest reported month of the latest year with reports (this month when there are none)."""
    latest = Submission.objects.filter(status__in=COUNTED_STATUSES).aggregate(m=Max("last_month"))["m"]
    if latest is None:
        today = timezone.localdate()
        return Period.month(today.year, today.month)
    return Period(date(latest.year, 1, 1), latest)


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
