"""Normalising what people type: full-width forms, spaces, variant characters."""

import unicodedata

# Variant or traditional forms seen in unit and channel names.
VARIANTS = str.maketrans({"郟": "郏", "寶": "宝", "豐": "丰", "縣": "县", "區": "区", "葉": "叶", "魯": "鲁", "衛": "卫"})


def normalize(text: str | None) -> str:
    """NFKC (full width → half width), variants folded, all white space removed."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).translate(VARIANTS)
    return "".join(folded.split())
