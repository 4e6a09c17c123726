"""采购方式 as people write it → 线上 / 线下."""

from fupin.core.text import normalize

ONLINE_WORDS = ("线上", "网上", "网购", "网络", "在线", "电商", "online")
OFFLINE_WORDS = ("线下", "现场", "实体", "门店", "到户", "offline")


def method_normalize(text: str | None) -> str:
    """'线上', '线下', or '' when the text says neither or both (a person must look)."""
    key = normalize(text).lower()
    if not key:
        return ""
    online = any(word in key for word in ONLINE_WORDS)
    offline = any(word in key for word in OFFLINE_WORDS)
    if online == offline:
        return ""
    return "线上" if online else "线下"
