"""Source text → standard channel.

Each step is tried when the one before could not tell:
1. the text, normalised (`canon`), is a known alias (from the taxonomy, or confirmed by the office): sure;
2. a text naming several things (合作社、带贫企业) whose parts point to different channels: review;
3. keywords and the taxonomy's aliases found inside the text; a match lying inside a longer match is ignored
   (农民 inside 农民专业合作社); only when no word is found, words with a one-character typo count, at a confidence
   reduced in proportion to the word's length;
   two channels found → review (except a stream or the 832 platform named with a shop word: 淘宝直播 is 直播带货);
4. rapidfuzz similarity to the known aliases, for texts no keyword reaches.
A confident wrong answer is worse than a line sent to review, so every doubt lowers the confidence below THRESHOLD.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from opencc import OpenCC
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Hamming

from fupin.core.text import normalize
from fupin.quality.models import Channel, ChannelAlias, ChannelKeyword

THRESHOLD = 0.80  # below it a person decides
CACHE_MAX = 50_000  # answers a classifier keeps; it lives as long as the taxonomy does, so it is bounded
TYPO_MIN_LENGTH = 3  # shorter words are not matched with a typo (农户/农民 differ by one character)
# A pair (A, B): when both are found, A wins. A live stream runs on some shop; 扶贫832平台 contains 平台.
# An online shop's 馆 or 专区 is the shop (京东扶贫馆, 832平台供销馆).
DOMINATES = {("LIVE", "ECOM"), ("P832", "ECOM"), ("ECOM", "SHOP"), ("P832", "SHOP")}

_STRIP = re.compile(r"[\"'`“”‘’「」『』《》〈〉()\[\]【】{}<>〔〕.。·・!！?？:：\-—_~*#]")
_CN_NUMBER = re.compile("[〇零一二三四五六七八九]{2,}")  # 八三二 → 832; a lone 一 (第一书记) is a word, not a number
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_SPLIT = re.compile(r"[、,;/+&|]|以及|和|及|与")
_VARIANTS = str.maketrans({"彊": "疆", "緣": "缘"})


_T2S = OpenCC("t2s")  # material from other provinces (and Taiwan/HK suppliers) comes in traditional characters


@lru_cache(maxsize=20_000)
def simplified(text: str) -> str:
    """Traditional characters as simplified (貧困戶 → 贫困户), by OpenCC's dictionaries."""
    return _T2S.convert(text)


@lru_cache(maxsize=CACHE_MAX)
def canon(text: str | None) -> str:
    """What is compared: NFKC, simplified characters, variants folded, lower case, no spaces, quotes, brackets,
    Chinese numerals as digits. Remembered: a file, and the checks after it, ask for the same few texts on every
    line."""
    key = _STRIP.sub("", simplified(normalize(text)).lower().translate(_VARIANTS))
    return _CN_NUMBER.sub(lambda m: m.group().translate(_CN_DIGITS), key)


@dataclass
class Classification:
    code: str | None
    confidence: float
    needs_review: bool
    suggestions: list[str] = field(default_factory=list)
    several: list[str] = field(default_factory=list)  # channels the text names at once (合作社、扶贫车间)


@dataclass(frozen=True)
class _Word:
    code: str
    text: str
    weight: float
    pattern: re.Pattern | None = None


class Classifier:
    """Build once (it loads the taxonomy), then classify many texts; answers are cached by normalised text.

    The instance only reads after construction (besides its answers' cache), so import threads may share one.
    `lists.classifier_current()` gives the process's one, built again when the taxonomy changes.
    """

    def __init__(self):
        channels = Channel.objects.filter(active=True)
        self.names: dict[str, str] = dict(channels.values_list("code", "name"))
        aliases = (ChannelAlias.objects.filter(channel__active=True)
                   .order_by("origin", "pk").values_list("text", "channel__code", "origin"))
        self._exact: dict[str, str] = {}
        words: dict[tuple[str, str], _Word] = {}
        for text, code, origin in aliases:  # "default" sorts before "office": the office's word wins
            key = canon(text)
            if not key:
                continue
            self._exact[key] = code
            if origin == ChannelAlias.Origin.DEFAULT and len(key) >= 3:
                words[(code, key)] = _Word(code, key, 0.90)
        keywords = ChannelKeyword.objects.filter(channel__active=True).values_list(
            "channel__code", "word", "weight", "is_pattern")
        for code, word, weight, is_pattern in keywords:
            if is_pattern:
                words[(code, word)] = _Word(code, word, weight / 100, re.compile(word))
            elif canon(word):
                words[(code, canon(word))] = _Word(code, canon(word), weight / 100)
        self._words = list(words.values())
        self._alias_keys = list(self._exact)
        self._cache: dict[str, Classification] = {}

    def classify(self, text: str) -> Classification:
        key = canon(text)
        answer = self._cache.get(key)
        if answer is None:
            if len(self._cache) >= CACHE_MAX:
                self._cache.clear()
            answer = self._cache[key] = self._classify(key)
        # a copy the caller may change (dataclasses.replace costs three times as much)
        return Classification(answer.code, answer.confidence, answer.needs_review, list(answer.suggestions),
                              list(answer.several))

    def code_for(self, text: str) -> str:
        """The channel code when the answer needs no review, else ''."""
        answer = self.classify(text)
        return answer.code if answer.code and not answer.needs_review else ""

    # -- the steps ---------------------------------------------------------------------------------------------

    def _classify(self, key: str) -> Classification:
        if not key:
            return Classification(None, 0.0, True, [])
        if key in self._exact:
            return Classification(self._exact[key], 1.0, False, [self._exact[key]])
        parts = [p for p in _SPLIT.split(key) if len(p) >= 2]
        if len(parts) >= 2:
            return self._several(parts)
        return self._single(key)

    def _several(self, parts: list[str]) -> Classification:
        answers = [self.classify(p) for p in parts]
        codes = list(dict.fromkeys(a.code for a in answers if a.code and not a.needs_review))
        if len(codes) == 1 and all(a.code == codes[0] for a in answers):
            confidence = min(a.confidence for a in answers)
            return Classification(codes[0], confidence, confidence < THRESHOLD, codes)
        suggestions = list(dict.fromkeys(s for a in answers for s in ([a.code] if a.code else []) + a.suggestions))
        return Classification(None, 0.0, True, suggestions[:4], codes if len(codes) >= 2 else [])

    def _single(self, key: str) -> Classification:
        scores = self._keyword_scores(key)
        fuzzy = self._fuzzy_scores(key)
        named = bool(scores)  # the text's own words name the channels (not a mere likeness to known texts)
        if not scores:
            scores = fuzzy
        for winner, loser in DOMINATES:
            if winner in scores and loser in scores:
                del scores[loser]
        ranked = sorted(scores, key=scores.get, reverse=True)
        extra = [c for c in sorted(fuzzy, key=fuzzy.get, reverse=True) if c not in ranked]
        suggestions = (ranked + extra)[:3]
        if not ranked or scores[ranked[0]] < 0.5:
            return Classification(None, 0.0, True, suggestions)
        best = ranked[0]
        if len(ranked) > 1 and scores[ranked[1]] >= 0.5:  # two channels fit: a person decides
            several = [c for c in ranked if scores[c] >= 0.5] if named else []
            return Classification(None, 0.0, True, suggestions, several)
        confidence = round(scores[best], 2)
        return Classification(best, confidence, confidence < THRESHOLD, suggestions)

    def _keyword_scores(self, key: str) -> dict[str, float]:
        matches = []  # (start, end, code, weight)
        for word in self._words:
            if word.pattern is not None:
                matches += [(m.start(), m.end(), word.code, word.weight) for m in word.pattern.finditer(key)]
                continue
            start = key.find(word.text)
            while start >= 0:
                matches.append((start, start + len(word.text), word.code, word.weight))
                start = key.find(word.text, start + 1)
        if not matches:  # typos are a fallback: an exact word always says more than a near one
            matches = [m for word in self._words if word.pattern is None for m in _typo_matches(word, key)]
        kept = [m for m in matches if not any(_inside(m, o) for o in matches)]
        scores: dict[str, float] = {}
        for _, _, code, weight in kept:
            scores[code] = max(weight, scores.get(code, 0.0))
        return scores

    def _fuzzy_scores(self, key: str) -> dict[str, float]:
        """Similar known aliases (typos, a word more or less); a text lying inside one alias counts too."""
        scores: dict[str, float] = {}
        for alias, score, _ in process.extract(key, self._alias_keys, scorer=fuzz.ratio, limit=5, score_cutoff=50):
            code = self._exact[alias]
            scores[code] = max(scores.get(code, 0.0), score / 100 * 0.95)
        if len(key) >= 3:
            holders = {self._exact[a] for a in self._alias_keys if key in a and len(key) / len(a) >= 0.6}
            if len(holders) == 1:
                code = holders.pop()
                scores[code] = max(scores.get(code, 0.0), 0.85)
        return scores


def _inside(m, other) -> bool:
    """`m` lies within the longer match `other`."""
    return other[0] <= m[0] and m[1] <= other[1] and (other[1] - other[0]) > (m[1] - m[0])


def _typo_matches(word: _Word, key: str) -> list:
    """Windows of `key` that differ from `word` in one character; a three-character word keeps its last one."""
    size = len(word.text)
    if size < TYPO_MIN_LENGTH or len(key) < size:
        return []
    found = []
    for start in range(len(key) - size + 1):
        window = key[start:start + size]
        if Hamming.distance(window, word.text, score_cutoff=1) <= 1 and (size > 3 or window[-1] == word.text[-1]):
            found.append((start, start + size, word.code, word.weight * (size - 1) / size))
    return found

