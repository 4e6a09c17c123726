"""Source text → standard channel.

A first version knows exact aliases only; the data-quality work adds normalisation, keywords and fuzzy matching
behind the same `Classifier.classify` answer.
"""

from dataclasses import dataclass, field

from fupin.core.text import normalize
from fupin.quality.models import ChannelAlias


@dataclass
class Classification:
    code: str | None
    confidence: float
    needs_review: bool
    suggestions: list[str] = field(default_factory=list)


class Classifier:
    """Build once (it loads the aliases), then classify many texts."""

    def __init__(self):
        self._codes = dict(ChannelAlias.objects.values_list("key", "channel__code"))

    def classify(self, text: str) -> Classification:
        code = self._codes.get(normalize(text))
        if code:
            return Classification(code, 1.0, False, [code])
        return Classification(None, 0.0, True, [])

    def code_for(self, text: str) -> str:
        """The channel code when the answer needs no review, else ''."""
        answer = self.classify(text)
        return answer.code if answer.code and not answer.needs_review else ""
