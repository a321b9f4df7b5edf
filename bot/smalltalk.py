"""Small talk and non-questions: greetings, thanks, "答错了" and laughter are told apart from questions, so they get
a short fitting reply (bot/replies.py) instead of a decline, and group chatter that asks nothing is left alone."""

from __future__ import annotations

import re

# Each kind: the phrases that make it. A message is small talk only when such phrases, particles, names for the
# bot, punctuation and emoji make up all of it, so "你好，轨博会在哪举行？" is still a question.
KINDS: tuple[tuple[str, str], ...] = (
    ("wrong", r"答错了?|回答错了|回答错误|答得不对|答非所问|不对|错了|不是这个|不是这句|说错了|wrong"),
    ("thanks", r"谢谢|多谢|感谢|谢了|谢啦|辛苦了|thank you|thanks|thank|thx|3q"),
    ("greeting", r"你好|您好|大家好|哈喽|哈啰|嗨|早上好|早安|上午好|中午好|下午好|晚上好|晚安|在吗|在不在|hello|hey|hi"),
    ("laughter", r"哈{2,}|呵{2,}|嘿{2,}|嘻{2,}|嘎{2,}|2{1,2}3{2,}|lol|xd|😂|🤣|😄|😆|😁|😀|😃|😅|😹"),
    ("ok", r"好的|好吧|好滴|好|行|嗯+|哦+|噢+|ok|okay|收到|知道了|明白了|懂了|了解|👍|👌|🙏"),
)
KIND_RE = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in KINDS}
FILLER = r"啊|呀|呢|吧|啦|哦|噢|喔|嘛|哈|了|的|你|您|机器人|bot|newsqa|[\s\W_]"
WHOLE_RE = re.compile(rf"(?:{'|'.join(p for _, p in KINDS)}|{FILLER})+", re.IGNORECASE)
LONGEST = 24  # longer messages are questions or statements, never small talk

# What asks: a question mark, or a question word or particle.
ASKS_RE = re.compile(r"[?？]|什么|哪|谁|怎|多少|几|啥|何|吗|呢|是否|有没有|是不是|为什么|多久|多大|多长|多远")


def small_talk(text: str) -> str | None:
    """The kind of small talk the whole message is ('thanks', 'wrong', 'greeting', 'laughter', 'ok'), else None."""
    text = text.strip()
    if not text or len(text) > LONGEST or not WHOLE_RE.fullmatch(text):
        return None
    found = [(m.start(), kind) for kind, pattern in KIND_RE.items() if (m := pattern.search(text))]
    return min(found)[1] if found else None


def asks_something(text: str) -> bool:
    """True when the text asks: a question mark or a question word (轨博会在哪 asks; 这个活动不错 does not)."""
    return ASKS_RE.search(text) is not None
