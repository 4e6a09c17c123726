"""Loading the default channel taxonomy shipped with the package (a copy of shared/data/channels.tsv)."""

from importlib import resources

from django.db import transaction

from fupin.core.text import normalize
from fupin.quality.models import Channel, ChannelAlias, ChannelKeyword, ChannelNature, NonConsumptionWord

ONLINE_BY_NATURE = {"P832", "ECOM", "LIVE"}
# Bought where one stands: a shop, a fair, a trip. Bought 线上 is worth a note (it may be a 云展会).
OFFLINE_BY_NATURE = {"SHOP", "FAIR", "TOUR"}


def _nature(code: str) -> str:
    if code in ONLINE_BY_NATURE:
        return ChannelNature.ONLINE
    return ChannelNature.OFFLINE if code in OFFLINE_BY_NATURE else ChannelNature.EITHER


def _data_rows(name: str) -> list[list[str]]:
    text = resources.files("fupin.quality").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def taxonomy_rows() -> list[list[str]]:
    return _data_rows("channels.tsv")


def keyword_rows() -> list[list[str]]:
    return _data_rows("keywords.tsv")


def taxonomy_load_default() -> int:
    """Create the default channels and their aliases. Idempotent: returns how many channels it created."""
    created = 0
    with transaction.atomic():
        for order, row in enumerate(taxonomy_rows(), start=1):
            code, name, description = row[0], row[1], row[2]
            examples = row[3] if len(row) > 3 else ""
            channel, was_created = Channel.objects.get_or_create(
                code=code, defaults={"name": name, "description": description, "order": order,
                                     "nature": _nature(code)})
            created += was_created
            for text in filter(None, (name, *examples.split("|"))):
                if not ChannelAlias.objects.filter(key=normalize(text)).exists():
                    ChannelAlias(channel=channel, text=text).save()
        keywords_load_default()
        non_consumption_load_default()
    return created


def keywords_load_default() -> int:
    """Add the default keywords the office does not have yet (an edited weight is left as the office set it)."""
    channels = {c.code: c for c in Channel.objects.all()}
    added = 0
    for row in keyword_rows():
        code, word, weight = row[0], row[1], int(row[2])
        if code not in channels:
            continue
        _, was_created = ChannelKeyword.objects.get_or_create(
            channel=channels[code], word=word,
            defaults={"weight": weight, "is_pattern": len(row) > 3 and row[3].strip() == "1"})
        added += was_created
    return added


def non_consumption_load_default() -> int:
    """Add the default non-consumption words the office does not have yet. A word the office deactivated or
    reworded stays as the office left it: defaults never overwrite the office's list."""
    added = 0
    for row in _data_rows("non_consumption.tsv"):
        word, reason = row[0].strip(), row[1].strip()
        exceptions = row[2].strip() if len(row) > 2 else ""
        if NonConsumptionWord.objects.filter(word=word).exists():
            continue
        entry = NonConsumptionWord(word=word, reason=reason, exceptions=exceptions,
                                   is_pattern=len(row) > 3 and row[3].strip() == "1")
        entry._change_reason = "默认非消费关键词"
        entry.full_clean()
        entry.save()
        added += 1
    return added
