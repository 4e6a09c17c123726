"""What an import looks names up in, built once per command or request and shared by all its files."""

from dataclasses import dataclass, field

from fupin.core.periods import Period
from fupin.core.text import normalize
from fupin.ingest.limits import ReadLimits
from fupin.ingest.values import CellError, parse_amount, parse_date, parse_quantity
from fupin.reporting.methods import method_normalize
from fupin.reporting.models import ConsumptionType, Purpose, Status
from fupin.reporting.validation import LineValidator
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import UnitMatcher

# Ways of writing a unit that the registry's matcher does not know: trailing words of a union's full name.
UNIT_TRAILERS = ("工会委员会", "总工会", "工会联合会", "工会", "机关")


@dataclass
class ImportOptions:
    period: Period
    by: object  # the person the audit trail names
    user: object = None  # whose access is checked; None: the city office at the command line
    unit: Unit | None = None  # every row is this unit's (a unit's own report)
    status: str = Status.SUBMITTED
    dry_run: bool = False
    create_units: bool = False
    preview_rows: int = 0  # rows kept for the web preview
    limits: ReadLimits = field(default_factory=ReadLimits.for_cli)


class ImportContext:
    """Lookups with a cache per distinct text: a 100,000-line file names a few dozen sources and units."""

    def __init__(self):
        self.matcher = UnitMatcher()
        self._methods: dict[str, tuple[str, bool]] = {}
        self._amounts: dict = {}
        self._dates: dict = {}
        self._quantities: dict = {}
        self._units: dict[str, Unit | None] = {}
        self.consumption_types = _choices(ConsumptionType)
        self.purposes = _choices(Purpose)
        self._validator: LineValidator | None = None

    def method(self, text: str) -> tuple[str, bool]:
        """(线上/线下 or '', whether the text said it otherwise: 线上线上, 网上)."""
        answer = self._methods.get(text)
        if answer is None:
            method = method_normalize(text)
            answer = self._methods[text] = (method, bool(method) and normalize(text) != method)
        return answer

    def amount(self, value, column_unit: str) -> int:
        """parse_amount, remembered: amounts repeat too (a unit's monthly order, a price), and parsing one goes
        through Decimal twice."""
        return self._remembered(self._amounts, (type(value), value, column_unit), parse_amount, value, column_unit)

    def date(self, value, period: Period):
        """parse_date, remembered: a file repeats the same few dates (and the same wrong ones)."""
        return self._remembered(self._dates, (type(value), value, period), parse_date, value, period)

    def quantity(self, value, tons_per_unit):
        key = (type(value), value, tons_per_unit)
        return self._remembered(self._quantities, key, parse_quantity, value, tons_per_unit)

    @staticmethod
    def _remembered(cache: dict, key, function, *args):
        try:
            answer = cache.get(key)
        except TypeError:  # an unhashable cell value
            return function(*args)
        if answer is None:
            if len(cache) > 10_000:
                cache.clear()
            try:
                answer = cache[key] = (function(*args), None)
            except CellError as exc:
                answer = cache[key] = (None, exc)
        if answer[1] is not None:
            raise CellError(answer[1].message)
        return answer[0]

    def unit(self, text: str) -> Unit | None:
        if text not in self._units:
            self._units[text] = self._find_unit(text)
        return self._units[text]

    def _find_unit(self, text: str) -> Unit | None:
        unit = self.matcher.find(text)
        if unit is not None:
            return unit
        key = normalize(text)
        for trailer in UNIT_TRAILERS:  # 叶县总工会机关 / 平高集团工会委员会
            if key.endswith(trailer) and len(key) > len(trailer) + 1:
                unit = self.matcher.find(key[: -len(trailer)])
                if unit is not None:
                    return unit
        return None

    def validator(self, period: Period) -> LineValidator:
        """The one line validator, built once for all the files of a command or request: its judges load their
        keywords and the classifier when built (tens of milliseconds, as much as storing a 30-line file)."""
        if self._validator is None or self._validator.period != period:
            self._validator = LineValidator(period=period)
        return self._validator

    def remember_unit(self, text: str, unit: Unit) -> None:
        self._units[text] = unit

    @staticmethod
    def may_import_for(user, unit: Unit) -> bool:
        return user is None or access.can_edit(user, unit)


def _choices(choices) -> dict[str, str]:
    known = {}
    for value, label in choices.choices:
        known[normalize(value)] = value
        known[normalize(label)] = value
    return known
