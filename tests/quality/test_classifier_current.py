"""The classifier and the non-consumption screen are built once a process and built again as soon as the office
changes its lists — seen through the database, so a change another process made counts as well."""

import pytest
from django.db import connection

from fupin.quality.lists import classifier_current, lists_current
from fupin.quality.models import Channel, ChannelAlias, NonConsumptionWord
from fupin.quality.services import alias_confirm, non_consumption_word_add
from fupin.quality.taxonomy import taxonomy_load_default
from fupin.reporting.calendar import calendar_current, calendar_year_enter
from fupin.reporting.services import LineInput

TEXT = "老街坊便民小铺"


@pytest.fixture
def taxonomy(db):
    taxonomy_load_default()


def test_one_classifier_a_process_until_the_taxonomy_changes(taxonomy):
    first = classifier_current()
    assert classifier_current() is first and first.code_for(TEXT) == ""
    alias_confirm(text=TEXT, code="SHOP", by=None)
    again = classifier_current()
    assert again is not first and again.code_for(TEXT) == "SHOP"


def test_a_change_written_without_this_process_hearing_of_it_is_seen(taxonomy):
    """As another process would: the row and its audit row written in SQL, no signal, no ORM save here."""
    first = classifier_current()
    channel = Channel.objects.get(code="SHOP")
    history = ChannelAlias.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {ChannelAlias._meta.db_table} (text, key, channel_id, origin) "
                       "VALUES (%s, %s, %s, 'office')", [TEXT, TEXT, channel.pk])
        cursor.execute(f"INSERT INTO {history} (id, text, key, channel_id, origin, history_date, history_type) "
                       "SELECT id, text, key, channel_id, origin, CURRENT_TIMESTAMP, '+' "
                       f"FROM {ChannelAlias._meta.db_table} WHERE text = %s", [TEXT])
    assert classifier_current() is not first and classifier_current().code_for(TEXT) == "SHOP"


def test_the_screen_follows_the_offices_words(taxonomy):
    line = LineInput(amount_fen=100, product="年终慰问走访费", source_text="农户")
    before = lists_current().screen
    assert lists_current().screen is before
    non_consumption_word_add(word="慰问走访费", reason="走访经费不是采购", by=None)
    assert lists_current().screen is not before and lists_current().screen.hit(line)[3] == "慰问走访费"
    assert NonConsumptionWord.objects.filter(word="慰问走访费").exists()


def test_the_checks_and_the_judge_share_one_set_of_lists_asked_for_in_one_query(taxonomy,
                                                                                django_assert_num_queries):
    from fupin.quality.checks import Checker

    Checker()
    with django_assert_num_queries(1):  # the lists' version: a month going up asks it once for its checks
        checker = Checker()
    assert checker.classifier is classifier_current() and checker.screen is lists_current().screen
    channel = Channel.objects.get(code="SHOP")
    channel.name = "便民商店"
    channel.save()
    assert Checker().channels["SHOP"].name == "便民商店"


def test_the_calendar_follows_the_offices_arrangements(db):
    first = calendar_current()
    assert calendar_current() is first
    calendar_year_enter(year=2031, text="元旦：2031年1月1日放假", by=None)
    assert calendar_current() is not first and calendar_current().source(2031) == "office"
