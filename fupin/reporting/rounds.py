"""The office opens a reporting round: the period asked for and the rule that sets its deadline."""

from datetime import date

from django.db import transaction

from fupin.core.periods import Period
from fupin.reporting.deadlines import rule_deadline
from fupin.reporting.models import DeadlineRule, Round


def round_open(*, period: Period, by, rule: str = DeadlineRule.LAST_WORKDAY, workdays_after: int | None = None,
               fixed_date: date | None = None, day_of_month: int | None = None, note: str = "") -> Round:
    """Create the round, or change its rule (the history keeps the earlier one). Idempotent."""
    # refuses a rule lacking N/date
    rule_deadline(period, rule, workdays_after=workdays_after, fixed_date=fixed_date, day_of_month=day_of_month)
    with transaction.atomic():
        round_ = (Round.objects.select_for_update().filter(first_month=period.first, last_month=period.last).first()
                  or Round(first_month=period.first, last_month=period.last, created_by=by))
        new = (rule, workdays_after if rule == DeadlineRule.WORKDAYS_AFTER else None,
               fixed_date if rule == DeadlineRule.FIXED else None,
               day_of_month if rule == DeadlineRule.DAY_OF_MONTH else None, note)
        if round_.pk and (round_.rule, round_.workdays_after, round_.fixed_date, round_.day_of_month,
                          round_.note) == new:
            return round_
        round_.rule, round_.workdays_after, round_.fixed_date, round_.day_of_month, round_.note = new
        if by is not None:
            round_._history_user = by
        round_.full_clean()
        round_.save()
    return round_
