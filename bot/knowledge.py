"""A searchable snapshot of the corpus: sentences, passages, vocabulary and the BM25 index, built once, never changed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import entities
from .corpus import Article
from .retrieval import Index, smooth_idf
from .text import Tokenizer, plain_tagged, simplified, split_sentences

# "(以下简称“轨博会”)", "(简称“湖南意华”)": the paper defines its own abbreviations.
ABBREVIATION_RE = re.compile(r"([\u4e00-\u9fff\w·]{2,40}?)\((?:以下)?简称“([^”]{2,12})”\)")
QUOTED_TERM_RE = re.compile(r"“([\u4e00-\u9fff\w+]{2,8})”")
# A name right after an office (部长罗琼出席): the shortest name that a usual next word follows.
TITLED_NAME_RE = re.compile(
    r"(?:书记|部长|局长|院长|主任|市长|县长|区长|会长|主委|理事长|秘书长|馆长|校长|董事长|总经理|经理|主席|院士|副会长)"
    r"([\u4e00-\u9fff]{2,3}?)(?=[,、。;:(\s]|和|与|及|等|被|出席|表示|介绍|说|强调|指出|共同|严重|对|在|为|的|委托|带领|主持|讲话|致辞|透露|称|认为|要求|提出|$)"
)


SCAN_ARTICLES_UP_TO = 50_000  # past this, looking an id up after a reload costs more than it is worth
CACHED_SENTENCES = 50_000  # sentences whose jieba tags or LAC names are kept; past this the cache starts over


@dataclass(frozen=True)
class Sentence:
    text: str
    article: int  # position in Knowledge.articles
    paragraph: int
    position: int  # index within the article


@dataclass(frozen=True)
class Knowledge:
    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    sentence_tokens: tuple[tuple[str, ...], ...]
    index: Index  # one document per sentence, with its headline and neighbours as context
    tokenizer: Tokenizer
    abbreviations: dict[str, str]  # short form -> full name, as the paper defined them
    sentence_df: Counter  # in how many sentences each token occurs: the weight of a word as evidence
    _tags: dict = field(default_factory=dict, compare=False, repr=False)  # sentence -> posseg tags, filled on demand
    _names: dict = field(default_factory=dict, compare=False, repr=False)  # sentence -> LAC's names, filled on demand

    def tagged_sentence(self, position: int) -> list[tuple[str, str]]:
        """jieba.posseg tags of one sentence (dictionary words only: no HMM guessing, which costs 5 ms a sentence),
        computed on first use: only candidate sentences ever need them."""
        tags = self._tags.get(position)
        if tags is None:
            if len(self._tags) > CACHED_SENTENCES:
                self._tags.clear()  # bound the memory of a long-running bot over a large archive
            tags = self._tags[position] = self.tokenizer.tagged(self.sentences[position].text, hmm=False)
        return tags

    def named(self, positions: list[int]) -> list[tuple[tuple[str, str], ...]]:
        """The persons, places and organisations LAC finds in these sentences (bot/entities.py), tagged together
        the first time any of them is asked for and kept."""
        known = {p: self._names[p] for p in positions if p in self._names}
        missing = [p for p in dict.fromkeys(positions) if p not in known]
        if missing:
            if len(self._names) > CACHED_SENTENCES:
                self._names.clear()  # bounded as the tags are
            tagged = dict(zip(missing, entities.tag([simplified(self.sentences[p].text) for p in missing])))
            self._names.update(tagged)
            known.update(tagged)
        return [known[p] for p in positions]

    @property
    def passages(self) -> int:
        return len(self.index)

    def weight(self, term: str) -> float:
        return smooth_idf(self.sentence_df.get(term, 0), len(self.sentences))

    def find_article(self, position: int, article_id: str) -> Article | None:
        """The article an answer came from, if this snapshot still holds it (a reload may have moved or dropped it)."""
        if 0 <= position < len(self.articles) and self.articles[position].id == article_id:
            return self.articles[position]
        if len(self.articles) <= SCAN_ARTICLES_UP_TO:
            return next((a for a in self.articles if a.id == article_id), None)
        return None


def learn_vocabulary(articles: list[Article]) -> tuple[dict[str, str], dict[str, str]]:
    """User-dictionary words with their part of speech (quoted terms, defined abbreviations, titled names),
    and the abbreviations map (short form -> full name)."""
    return merge_vocabularies([learn_file_vocabulary(articles)])


def learn_file_vocabulary(articles: Iterable[Article]) -> dict:
    """What some articles teach the dictionary, kept apart so that a saved index can merge files it did not read
    again: quoted terms (tagged nz unless tagged otherwise), words tagged (the last tag wins), abbreviations."""
    quoted: dict[str, None] = {}
    tagged: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for article in articles:
        for text in (simplified(article.title), simplified(article.text)):  # as the tokenizer reads them
            quoted.update(dict.fromkeys(QUOTED_TERM_RE.findall(text)))
            for name in TITLED_NAME_RE.findall(text):
                tagged[name] = "nr"
            for full, short in ABBREVIATION_RE.findall(text):
                full = re.sub(r"^\d{4}", "", _name_only(full, short))  # "2021中国国际…" names the edition, not the thing
                abbreviations[short] = full
                tagged[short] = tagged[full] = "nz"
    return {"quoted": list(quoted), "tagged": tagged, "abbreviations": abbreviations}


def _name_only(full: str, short: str) -> str:
    """The name an abbreviation stands for, without the words before it that ABBREVIATION_RE took in: 送到了湖南意华交通
    装备股份有限公司 → 湖南意华交通装备股份有限公司. A name is nouns; it starts after the last verb, particle or
    preposition (jieba's tags v, u…, p) that leaves every character of the short form in it, in order, since a short
    form is made of its name's characters (国开行 keeps 国家开发银行 whole although jieba tags 开发 a verb)."""
    start = position = 0
    for word, flag in plain_tagged(full):
        position += len(word)
        if (flag == "v" or flag[:1] in ("u", "p")) and _in_order(short, full[position:]):
            start = position
    return full[start:]


def _in_order(short: str, full: str) -> bool:
    rest = iter(full)
    return all(char in rest for char in short)


def merge_vocabularies(learned: Iterable[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """learn_file_vocabulary results of files in corpus order -> (user words, abbreviations), exactly as if all
    their articles had been read in that order."""
    words: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for part in learned:
        for term in part["quoted"]:
            words.setdefault(term, "nz")
        words.update(part["tagged"])
        abbreviations.update(part["abbreviations"])
    return {w: tag for w, tag in words.items() if len(w) >= 2}, abbreviations


Parts = tuple[list[Sentence], list[list[str]], list[list[str]]]  # sentences, their tokens, each article's title tokens


def passage_parts(articles: Iterable[Article], tokenizer: Tokenizer) -> Parts:
    """Split articles into sentences and tokenize each sentence and headline once (article numbers count from 0).

    The cache (bot/cache.py) stores these per corpus file, so a reload tokenizes only the files that changed.
    """
    sentences: list[Sentence] = []
    sentence_tokens: list[list[str]] = []
    title_tokens: list[list[str]] = []
    for a_index, article in enumerate(articles):
        title_tokens.append(tokenizer.tokens(f"{article.title} {article.kicker}"))
        position = 0
        for p_index, paragraph in enumerate(article.paragraphs):
            for text in split_sentences(paragraph):
                sentences.append(Sentence(text, a_index, p_index, position))
                sentence_tokens.append(tokenizer.tokens(text))
                position += 1
    return sentences, sentence_tokens, title_tokens


def passage_documents(sentences: Sequence[Sentence], sentence_tokens: Sequence[Sequence[str]],
                      title_tokens: Sequence[Sequence[str]]) -> list[list[str]]:
    """The passage design: one BM25 document per sentence, its own tokens twice, its headline and its neighbours.

    The cache keys saved indexes by the source of this module, so changing the design rebuilds them.
    """
    docs = []
    for i, sentence in enumerate(sentences):
        doc = list(sentence_tokens[i]) * 2 + list(title_tokens[sentence.article])
        for j in (i - 1, i + 1):
            if 0 <= j < len(sentences) and sentences[j].article == sentence.article:
                doc += sentence_tokens[j]
        docs.append(doc)
    return docs


def build_knowledge(articles: list[Article], tokenizer: Tokenizer | None = None, parts: Parts | None = None) -> Knowledge:
    """Split articles into sentences, tokenize each once and index sentence-with-context passages.

    parts, when given, are passage_parts(articles, tokenizer) computed earlier (the cache reuses them).
    """
    user_words, abbreviations = learn_vocabulary(articles)
    tokenizer = tokenizer or Tokenizer(user_words)
    sentences, sentence_tokens, title_tokens = parts or passage_parts(articles, tokenizer)
    df = Counter()
    for tokens in sentence_tokens:
        df.update(set(tokens))
    return Knowledge(
        articles=tuple(articles), sentences=tuple(sentences), sentence_tokens=tuple(map(tuple, sentence_tokens)),
        index=Index.build(passage_documents(sentences, sentence_tokens, title_tokens), terms=df),
        tokenizer=tokenizer, abbreviations=abbreviations, sentence_df=df,
    )
