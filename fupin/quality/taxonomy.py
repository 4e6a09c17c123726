"""Loading the default channel taxonomy shipped with the package (a copy of shared/data/channels.tsv)."""

from importlib import resources

from django.db import transaction

from fupin.core.text import normalize
from fupin.quality.models import Channel, ChannelAlias, ChannelNature

ONLINE_BY_NATURE = {"P832", "ECOM", "LIVE"}


def taxonomy_rows() -> list[list[str]]:
    text = resources.files("fupin.quality").joinpath("data/channels.tsv").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


def taxonomy_load_default() -> int:
    """Create the default channels and their aliases. Idempotent: returns how many channels it created."""
    created = 0
    with transaction.atomic():
        for order, row in enumerate(taxonomy_rows(), start=1):
            code, name, description = row[0], row[1], row[2]
            examples = row[3] if len(row) > 3 else ""
            nature = ChannelNature.ONLINE if code in ONLINE_BY_NATURE else ChannelNature.EITHER
            channel, was_created = Channel.objects.get_or_create(
                code=code, defaults={"name": name, "description": description, "order": order, "nature": nature})
            created += was_created
            for text in filter(None, (name, *examples.split("|"))):
                if not ChannelAlias.objects.filter(key=normalize(text)).exists():
                    ChannelAlias(channel=channel, text=text).save()
    return created
