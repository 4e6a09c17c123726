"""The office's lists as the validator and the checks read them: the classifier (channels, aliases, keywords), the
non-consumption screen (its words) and the channels. Kept once a process and built again when any of them changes,
in any process (versions.py). One version query answers for all of them: a month going up asks it twice (the
judge of its lines, the checks of its report), not five times."""

from dataclasses import dataclass

from fupin.quality.classify import Classifier
from fupin.quality.models import Channel, ChannelAlias, ChannelKeyword, NonConsumptionWord
from fupin.quality.validation import NonConsumptionScreen
from fupin.quality.versions import history_cached


@dataclass(frozen=True)
class OfficeLists:
    """Not changed once built (beyond the classifier's and the screen's caches of answers): a worker's threads share
    one."""

    classifier: Classifier
    screen: NonConsumptionScreen
    channels: dict[str, Channel]  # every channel by code, retired ones too: a stored line may name one


def _build() -> OfficeLists:
    return OfficeLists(Classifier(), NonConsumptionScreen(), {c.code: c for c in Channel.objects.all()})


def lists_current() -> OfficeLists:
    return history_cached("office_lists", (Channel, ChannelAlias, ChannelKeyword, NonConsumptionWord), _build)


def classifier_current() -> Classifier:
    """The process's classifier, built again when any of the office's lists changed."""
    return lists_current().classifier
