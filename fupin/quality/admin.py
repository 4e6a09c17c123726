from django.contrib import admin

from fupin.core.admin import HistoryAdmin
from fupin.quality.models import Channel, ChannelAlias, ChannelKeyword


class ChannelAliasInline(admin.TabularInline):
    model = ChannelAlias
    extra = 1


class ChannelKeywordInline(admin.TabularInline):
    model = ChannelKeyword
    extra = 1


@admin.register(Channel)
class ChannelAdmin(HistoryAdmin):
    """A channel no longer used is switched off (在用), never deleted: lines keep its code."""

    list_display = ["code", "name", "nature", "order", "active"]
    list_editable = ["order", "active"]
    inlines = [ChannelAliasInline, ChannelKeywordInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # lines and the attachment table refer to the code


@admin.register(ChannelAlias)
class ChannelAliasAdmin(HistoryAdmin):
    list_display = ["text", "channel", "origin"]
    list_filter = ["channel", "origin"]
    search_fields = ["text"]
    deletable = True  # a wording that misleads the classifier goes; its audit row stays


@admin.register(ChannelKeyword)
class ChannelKeywordAdmin(HistoryAdmin):
    list_display = ["word", "channel", "weight", "is_pattern"]
    list_filter = ["channel"]
    search_fields = ["word"]
    deletable = True
