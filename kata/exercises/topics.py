"""The topics katas are listed under, in one place: the CLI and the app group by them.

A kata names its topic by id (``Kata(topic=...)``); a kata whose topic is not here does
not load (``catalog()`` leaves it out and says why). A topic's ``order`` is its place in
every list; its names are in every language of ``kata.lang``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kata.errors import UsageError
from kata.lang import pick


@dataclass(frozen=True)
class Topic:
    id: str
    order: int
    names: dict[str, str]  # language -> name

    def name(self, lang: str) -> str:
        return pick(self.names, lang)


CATALOGUE: tuple[Topic, ...] = (
    Topic("softmax", 1, {"en": "Softmax family", "zh": "Softmax 家族"}),
    Topic("losses", 2, {"en": "Losses", "zh": "损失函数"}),
    Topic("normalisation", 3, {"en": "Normalisation", "zh": "归一化"}),
    Topic("attention", 4, {"en": "Attention", "zh": "注意力"}),
    Topic("detection", 5, {"en": "Detection", "zh": "目标检测"}),
    Topic("convolution", 6, {"en": "Convolution", "zh": "卷积"}),
    Topic("clustering", 7, {"en": "Clustering", "zh": "聚类"}),
)
BY_ID: dict[str, Topic] = {t.id: t for t in CATALOGUE}
IDS: tuple[str, ...] = tuple(t.id for t in sorted(CATALOGUE, key=lambda t: t.order))


class UnknownTopic(UsageError):
    """A kata (or ``kata dev new --topic``) names a topic that is not in the catalogue."""


def topic(topic_id: str) -> Topic:
    """The topic with this id; ``UnknownTopic`` says which ones there are."""
    try:
        return BY_ID[topic_id]
    except KeyError:
        raise UnknownTopic(f"topic `{topic_id}` is not one of {', '.join(IDS)}") from None
