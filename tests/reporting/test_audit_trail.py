"""Every change to a figure is in the audit trail: who, when, before, after."""

import pytest
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.money import wan_to_fen
from fupin.reporting.models import PurchaseLine, Submission
from fupin.reporting.services import line_update, submission_unlock
from tests.factories import submission_make, user_make


def test_changed_amount_is_recorded_with_who_when_before_and_after(seeded):
    office = user_make("auditor", first_name="审计员")
    line = PurchaseLine.objects.get(submission__unit__short_name="汝州市", source_text="832平台")
    submission_unlock(submission=line.submission, by=office, reason="汝州市来电更正832平台金额")
    before = timezone.now()
    line_update(line=line, by=office, reason="核对原始凭证", amount_fen=wan_to_fen("36.28"))
    newest, previous = line.history.all()[:2]
    assert newest.history_user == office
    assert newest.history_date >= before
    assert newest.history_change_reason == "核对原始凭证"
    delta = newest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("amount_fen", 35_280_000, 36_280_000)]


def test_replacing_a_submission_keeps_the_old_lines_in_history(seeded, personas):
    first = submission_make(personas.unit, "2020-11", amounts=("1.5", "2"), by=personas.reporter)
    old_ids = list(first.lines.values_list("pk", flat=True))
    submission_make(personas.unit, "2020-11", amounts=("3",), by=personas.reporter, replace=True)
    assert Submission.objects.filter(unit=personas.unit, first_month__year=2020, first_month__month=11).count() == 1
    deleted = PurchaseLine.history.filter(id__in=old_ids, history_type="-")
    assert deleted.count() == 2
    assert {h.history_user for h in deleted} == {personas.reporter}


def test_a_second_submission_for_the_same_period_is_refused(seeded, personas):
    submission_make(personas.unit, "2020-11", by=personas.reporter)
    with pytest.raises(UserError, match="已有2020-11的报表"):
        submission_make(personas.unit, "2020-11", by=personas.reporter)


def test_editing_a_field_that_is_not_a_figure_is_refused(seeded):
    line = PurchaseLine.objects.first()
    with pytest.raises(UserError, match="不能修改字段"):
        line_update(line=line, by=None, submission_id=1)
