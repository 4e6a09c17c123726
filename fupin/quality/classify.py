"""Source text → standard channel. This first version knows exact aliases only; unknown texts stay unclassified."""

from fupin.core.text import normalize
from fupin.quality.models import ChannelAlias


class AliasIndex:
    def __init__(self):
        self._codes = dict(ChannelAlias.objects.values_list("key", "channel__code"))

    def code_for(self, text: str) -> str:
        return self._codes.get(normalize(text), "")
