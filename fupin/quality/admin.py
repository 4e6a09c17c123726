from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.quality.models import Channel, ChannelAlias, ChannelKeyword


class ChannelAliasInline(admin.TabularInline):
    model = ChannelAlias
    extra = 1


class ChannelKeywordInline(admin.TabularInline):
    model = ChannelKeyword
    extra = 1


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "nature", "order", "active"]
    list_editable = ["order", "active"]
    inlines = [ChannelAliasInline, ChannelKeywordInline]


@admin.register(ChannelAlias)
class ChannelAliasAdmin(SimpleHistoryAdmin):
    list_display = ["text", "channel", "origin"]
    list_filter = ["channel", "origin"]
    search_fields = ["text"]


@admin.register(ChannelKeyword)
class ChannelKeywordAdmin(SimpleHistoryAdmin):
    list_display = ["word", "channel", "weight", "is_pattern"]
    list_filter = ["channel"]
    search_fields = ["word"]
