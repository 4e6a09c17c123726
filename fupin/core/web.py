"""Small helpers shared by views."""

from fupin.core.errors import UserError
from fupin.core.periods import Period


def period_param(request, default: Period) -> tuple[Period, str | None]:
    """The ?period= of a request, or `default` with the Chinese error to show when it is malformed."""
    text = request.GET.get("period", "").strip()
    if not text:
        return default, None
    try:
        return Period.parse(text), None
    except UserError as exc:
        return default, exc.message
