"""Reader-facing wording shared by the console and Telegram: one place for what the bot says."""

from __future__ import annotations

from .answer import Answer, Candidate
from .dates import with_dates
from .pages import date_label, page_label
from .knowledge import ABBREVIATION_RE
from .corpus import CAPTIONS_TITLE
from .masthead import TEASERS_TITLE

DECLINE = "抱歉，语料里没有找到能回答这个问题的句子。"
DECLINE_HINT = "可以换个说法，或者问得更具体些，比如带上人名、地名或活动名称。"
EMPTY = "请输入一个问题，例如：{example}"
NOT_CHINESE = "我只能回答用中文提的问题，例如：{example}"
TOO_LONG = "问题太长了（{length} 字）。请把问题缩短到 {limit} 字以内再问。"
NOTHING_MORE = "没有更多候选句子了。"
NO_LAST_ANSWER = "还没有回答过问题。先问一个问题吧。"
ARTICLE_GONE = "这篇文章已不在当前语料中（语料刚刚重新加载过）。"
RELOADED = "已重新加载：{articles} 篇文章，{passages} 个句子，用时 {seconds:.2f} 秒。"
RELOAD_FAILED = "重新加载失败，继续使用原来的语料：{error}"
BUILT_FROM_SEEDS = "新建语料文件：{files}"
SKIPPED_ENTRIES = "跳过了不是普通文件的条目：{entries}"
FOLLOW_UP = "（接上一个问题：{question}）"


def source_line(candidate: Candidate) -> str:
    """The citation under an answer: ——《headline》 paper date page（byline）; a continued piece says so (接A1版)."""
    continued = f"(接{page_label(candidate.continues)})" if candidate.continues else ""
    where = " ".join(p for p in (candidate.paper, date_label(candidate.date) if candidate.date else "",
                                 page_label(candidate.page)) if p)
    said = candidate.byline and candidate.sentence != candidate.byline  # not again when the byline is the answer
    byline = f"（{candidate.byline}）" if said else ""
    return f"——《{candidate.title}》{continued}" + (f" {where}" if where else "") + byline


def answer_text(candidate: Candidate) -> tuple[str, str | None]:
    """The sentence and its fact as readers see them: relative time words with the absolute date beside them
    (昨天(11月30日)上午) when the article has a date."""
    fact = with_dates(candidate.fact, candidate.date) if candidate.fact else candidate.fact
    return with_dates(candidate.sentence, candidate.date), fact


def cited_answer(candidate: Candidate) -> str:
    """A candidate as the console shows it: the sentence (dates beside relative time words), then its citation."""
    return f"{answer_text(candidate)[0]}\n{source_line(candidate)}"


def follow_up_line(said: str, asked: str) -> str:
    """A line above the reply when a follow-up was asked about the previous topic (bot/dialogue.py), so the reader
    sees what was answered (那门票多少钱？ → 湘江音乐节门票多少钱？); empty when the question was asked as typed."""
    return FOLLOW_UP.format(question=asked) if asked != said else ""


def with_line(line: str, reply: str) -> str:
    """reply under line (nothing added for an empty line)."""
    return f"{line}\n{reply}" if line else reply


def reload_text(report) -> str:
    """The reply to a successful /reload (an engine.ReloadReport): counts, seeds built, entries skipped."""
    lines = [RELOADED.format(articles=report.articles, passages=report.passages, seconds=report.seconds)]
    if report.built_from_seeds:
        lines.append(BUILT_FROM_SEEDS.format(files="、".join(report.built_from_seeds)))
    if report.skipped:
        lines.append(SKIPPED_ENTRIES.format(entries="、".join(map(str, report.skipped))))
    return "\n".join(lines)


def decline_text(answer: Answer, limit: int, example: str) -> str:
    """The plain reply for a declined question; the reason picks the wording."""
    if answer.reason == "empty":
        return EMPTY.format(example=example)
    if answer.reason == "not chinese":
        return NOT_CHINESE.format(example=example)
    if answer.reason == "too long":
        return TOO_LONG.format(length=len(answer.question), limit=limit)
    return f"{DECLINE}\n{DECLINE_HINT}"


EXAMPLE_SCAN = 200  # examples come from the first articles: a large archive must not be read for them


def example_questions(articles) -> list[str]:
    """Two example questions from two different articles of the current corpus: about an event one names with an
    abbreviation (以下简称“轨博会” → 轨博会什么时候举行？), and about another's headline."""
    first = [articles[i] for i in range(min(len(articles), EXAMPLE_SCAN))]
    found = next(((i, m) for i, m in enumerate(ABBREVIATION_RE.search(a.text) for a in first) if m), None)
    examples = [f"{found[1].group(2)}什么时候举行？"] if found else []
    for i, article in enumerate(first):
        subject = article.title.split()[0] if article.title.split() else ""
        if found and i == found[0]:
            continue  # the other example asks about another article
        if article.title in (CAPTIONS_TITLE, TEASERS_TITLE):
            continue  # a page's photo captions or teasers, gathered by the builder: no subject to ask about
        if 4 <= len(subject) <= 12 and not subject[0].isdigit() and not subject.startswith("◀"):
            examples.append(f"{subject}是怎么回事？")
        if len(examples) >= 2:
            break
    return examples[:2] or ["这份报纸讲了什么？"]


SMALL_TALK = {
    "thanks": "不客气！还有想知道的，直接问我。",
    "greeting": "你好！我回答报纸上的事，用中文直接提问就行，例如：{example}",
    "laughter": "😄 还有什么想问的，尽管问。",
    "ok": "好的。有问题随时问我。",
}
WRONG_TELEGRAM = "抱歉答错了。请点那条答案下面的 👎 告诉我，管理员会看到并改正；点“下一句”可以看其他候选句子。"
WRONG_CONSOLE = "抱歉答错了。输入 /bad 记下这个错误，管理员会看到并改正；输入 /more 可以看下一个候选句子。"


def small_talk_reply(kind: str, example: str, wrong: str) -> str:
    """The short reply to small talk (bot/smalltalk.py); `wrong` says how this front end takes feedback."""
    return wrong if kind == "wrong" else SMALL_TALK[kind].format(example=example)


ADDED = "已添加 {name}：{articles} 篇文章{repairs}。"
REPAIRS = (("lines_rejoined", "断行接回 {} 处"), ("fragments_moved", "跳版片段归位 {} 个"),
           ("repeats_dropped", "重复段落删去 {} 段"), ("continuation_pieces", "续篇 {} 篇"))


def added_text(added) -> str:
    """The reply to an admin's file (bot/uploads.py): articles found, what the builder repaired, the new counts."""
    build = added.build
    done = [label.format(getattr(build, field)) for field, label in REPAIRS if build and getattr(build, field, 0)]
    repairs = f"（{'，'.join(done)}）" if done else ("（无需修复）" if build else "")
    return "\n".join([ADDED.format(name=added.name, articles=added.articles, repairs=repairs), reload_text(added.reload)])
