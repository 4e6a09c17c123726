"""The amount-outlier rule's quiet band (issue 16: a refresh re-judges only the lines of a unit's other reports that
could be outliers): on many random histories — skewed, with ties, with wild amounts — no line whose amount lies in
the band is ever flagged, and the band is not empty for an ordinary history."""

import random
from types import SimpleNamespace

import pytest

from fupin.quality import rules
from fupin.quality.checks import Checker


def _history(rng: random.Random) -> list[tuple[int, int]]:
    n = rng.choice([3, 4, 5, 8, 12, 30, 200])
    centre = rng.uniform(4, 7)  # 100 元 to 100,000 元, in fen, as log10
    amounts = [max(1, round(10 ** rng.gauss(centre, rng.choice([0.05, 0.3, 0.8])))) for _ in range(n)]
    for _ in range(rng.randint(0, 3)):  # ties and wild amounts
        amounts[rng.randrange(n)] = rng.choice([amounts[0], 1, 10 ** 9, round(10 ** (centre + 3))])
    return list(enumerate(amounts, start=1))


@pytest.mark.django_db
def test_no_amount_in_the_quiet_band_is_ever_an_outlier():
    rng = random.Random(16)
    checker = Checker()
    z_limit = float(checker.thresholds.outlier_z)
    submission = SimpleNamespace(unit_id=1, pk=1, unit=None)
    bands = flagged = 0
    for _ in range(400):
        history = _history(rng)
        spread = checker._spreads[1] = rules.AmountSpread(history)
        band = spread.quiet_band(z_limit)
        bands += band is not None
        probes = [(pk, a) for pk, a in history]  # each line of the history, left out of its own spread
        if band:  # and amounts at the band's very edges, as new lines
            probes += [(10 ** 6 + i, a) for i, a in enumerate((band[0], band[1], band[0] - 1, band[1] + 1))]
        for pk, amount in probes:
            line = SimpleNamespace(pk=pk, amount_fen=amount, position=1)
            found = rules.amount_outlier(checker, submission, line)
            flagged += bool(found)
            if band and band[0] <= amount <= band[1]:
                assert not found, (history, band, amount)
    assert bands > 200 and flagged > 20  # the band is usually there, and outliers are still found outside it
