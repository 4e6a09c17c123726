"""django-simple-history builds a new manager class on every access to `Model.history` (its descriptor calls
`Manager.from_queryset`, which walks the queryset's members with `inspect`): each audited save and each
`history_version` pays for it, sixteen times in a month form's request and a tenth of its time. The class it builds
depends only on the descriptor's manager and queryset classes, so one a pair is made and kept; the manager object
itself is still made fresh for each access, as before."""

from functools import cache

from simple_history.manager import HistoryDescriptor


@cache
def _manager_class(manager, queryset):
    return manager.from_queryset(queryset)


def _history_get(self, instance, owner):
    return _manager_class(self.manager_class, self.queryset_class)(self.model, instance)


def history_manager_classes_kept() -> None:
    HistoryDescriptor.__get__ = _history_get
