"""消费类型 when a line does not say: inferred from the words of its product and source."""

from functools import lru_cache

from fupin.core.text import normalize
from fupin.reporting.models import ConsumptionType

# First rule that fits wins; the circular counts staff trips (乡村游, 民宿, 到户消费) as 职工个人消费.
RULES = [
    (ConsumptionType.SANATORIUM, ("疗休养", "疗养", "休养")),
    (ConsumptionType.MODEL_WORKER, ("劳模",)),
    (ConsumptionType.CANTEEN, ("食堂",)),
    (ConsumptionType.PERSONAL, ("职工个人", "个人消费", "个人购买", "职工自购", "职工购买", "到户消费", "乡村游",
                                "乡村旅游", "民宿", "农家乐", "农家院", "采摘")),
]
# The kinds the circular says units leave out (多数没把职工个人消费情况、职工疗休养、劳模助力脱贫攻坚等纳入统计范围).
EXPECTED_KINDS = (ConsumptionType.PERSONAL, ConsumptionType.SANATORIUM, ConsumptionType.MODEL_WORKER)
KINDS_KEPT = 50_000  # texts remembered: a file and the checks after it repeat the same products and sources


def consumption_type_infer(*, product: str = "", source: str = "", note: str = "") -> str:
    return _infer(product, source, note)


@lru_cache(maxsize=KINDS_KEPT)
def _infer(product: str, source: str, note: str) -> str:
    """A pure function of the three texts (and RULES), so remembered: the checks ask it for every line."""
    words = normalize(f"{product} {source} {note}")
    for kind, markers in RULES:
        if any(marker in words for marker in markers):
            return kind
    return ConsumptionType.UNIT_PURCHASE


def consumption_type_effective(line) -> str:
    """What the line says, or what its words suggest when it says nothing."""
    return line.consumption_type or _infer(line.product, line.source_text, line.note)
