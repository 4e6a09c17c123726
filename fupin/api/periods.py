"""A period in a path or query string: YYYY-MM or YYYY-MM:YYYY-MM, or 404 in Chinese."""

from django.http import Http404

from fupin.core.errors import UserError
from fupin.core.periods import Period

PERIOD_WRONG = "期间“{text}”不是 YYYY-MM 或 YYYY-MM:YYYY-MM"


def period_or_404(text: str) -> Period:
    try:
        return Period.parse(text)
    except UserError:
        raise Http404(PERIOD_WRONG.format(text=text)) from None
