"""The saved index beside the corpus (corpus/.index/): a restart maps it instead of re-tokenizing, a changed corpus
file invalidates it, and a rebuild re-tokenizes only the corpus files that changed.

Layout of corpus/.index/:
  files.json            name -> [size, mtime_ns, content digest]: unchanged files are not hashed again
  words-<digest>.json   a user dictionary that tokenized some corpus file
  files/<digest>-<code>.npz  one corpus file split and tokenized (passage_parts), keyed by its content and the code
  snapshot-<key>/       everything needed to answer, as memory-mapped .npy arrays; key = code + every file's digest
Everything is written under a temporary name and renamed into place; whatever fails to load is rebuilt.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path

import jieba
import numpy as np

from . import corpus, knowledge as knowledge_module, retrieval, text
from .corpus import Article, corpus_files, load_corpus, read_corpus_file
from .knowledge import Knowledge, Parts, Sentence, build_knowledge, learn_vocabulary, passage_parts
from .retrieval import Index
from .text import Tokenizer, normalize

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the layout below changes
INDEX_DIR = ".index"
ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
MAX_WORD_CHANGES = 2000  # beyond this many changed dictionary words, re-tokenizing beats searching for each
RACY_SECONDS = 2  # a file modified this recently may change again within the same mtime: hash it next time too


def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _source_digest(*paths: str) -> str:
    return _digest(str(FORMAT), jieba.__version__, *(Path(p).read_bytes() for p in paths))


# What a cached file or snapshot depends on besides the corpus: the code that split and tokenized it (including the
# passage design in knowledge.py) and, for snapshots, the code that indexed and laid it out. Read once, at import,
# so a running process keys caches by the code it actually runs.
TOKENIZING_CODE = _source_digest(text.__file__, knowledge_module.__file__, corpus.__file__)
SNAPSHOT_CODE = _digest(TOKENIZING_CODE, _source_digest(retrieval.__file__, __file__))


# ---------------------------------------------------------------- entry points

def load_knowledge(corpus_dir: Path) -> Knowledge:
    """The knowledge of corpus_dir: its saved snapshot when no file changed, else built (reusing the tokenization
    of unchanged files) and saved. Corpus faults raise CorpusError exactly as load_corpus does."""
    store = _Store(corpus_dir)
    fingerprints = store.fingerprints()
    if fingerprints:
        loaded = store.open_snapshot(_snapshot_key(fingerprints))
        if loaded is not None:
            store.remember_digests()
            return loaded
    articles = load_corpus(corpus_dir)  # the reader-facing checks: missing folder, bad lines, duplicate ids
    if not fingerprints or store.fingerprints() != fingerprints:
        log.warning("corpus files changed while being read: this build is served but not saved")
        return build_knowledge(articles)
    user_words, _ = learn_vocabulary(articles)
    tokenizer = tokenizer_for(user_words)
    parts = store.tokenized(articles, fingerprints, _as_dict(user_words), tokenizer)
    built = build_knowledge(articles, tokenizer, parts)  # parts None: tokenized here, not saved per file
    return store.save(built, fingerprints) or built


def store_knowledge(corpus_dir: Path, built: Knowledge) -> Knowledge:
    """Save knowledge built from corpus_dir's files as their snapshot (the benchmark uses this for corpora it has
    tokenized itself) and return the memory-mapped copy."""
    store = _Store(corpus_dir)
    saved = store.save(built, store.fingerprints())
    if saved is None:
        raise OSError(f"could not write the index under {store.root}")
    return saved


_last_tokenizer: tuple[str, Tokenizer] | None = None
_tokenizer_lock = threading.Lock()


def tokenizer_for(user_words) -> Tokenizer:
    """A Tokenizer with this user dictionary, reused from the last load when the dictionary is the same: making one
    costs about a second (jieba's dictionary and tag table), and a Tokenizer never changes once made."""
    global _last_tokenizer
    key = _words_digest(_as_dict(user_words))
    with _tokenizer_lock:
        if _last_tokenizer is None or _last_tokenizer[0] != key:
            _last_tokenizer = (key, Tokenizer(user_words))
        return _last_tokenizer[1]


def _snapshot_key(fingerprints: list[tuple[str, str]]) -> str:
    return _digest(SNAPSHOT_CODE, *chain.from_iterable(fingerprints))


def _as_dict(user_words) -> dict:
    return dict(user_words) if isinstance(user_words, dict) else dict.fromkeys(user_words)


def _sorted_words(words: dict) -> list:
    return sorted(words.items(), key=lambda kv: kv[0])


def _words_digest(words: dict) -> str:
    return _digest(json.dumps(_sorted_words(words), ensure_ascii=False))


# ---------------------------------------------------------------- the store

class _Store:
    """corpus_dir/.index: reads and writes never raise for a broken or missing cache, they rebuild."""

    def __init__(self, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir)
        self.root = self.corpus_dir / INDEX_DIR
        self._digests: dict | None = None  # computed by fingerprints(), written by remember_digests()

    # -- corpus file digests

    def fingerprints(self) -> list[tuple[str, str]]:
        """(name, content digest) of every corpus file, in load order; [] when the folder cannot be listed or read
        (load_corpus then names the fault). Nothing is written until remember_digests()."""
        try:
            paths = corpus_files(self.corpus_dir) if self.corpus_dir.is_dir() else []
            known = self._read_json(self.root / "files.json")
            known = known if isinstance(known, dict) else {}
            now = time.time_ns()
            seen, result = {}, []
            for path in paths:
                stat = path.stat()
                entry = known.get(path.name)
                size, mtime, digest = entry if isinstance(entry, list) and len(entry) == 3 else (None, None, None)
                if (size, mtime) != (stat.st_size, stat.st_mtime_ns) or digest is None:
                    with path.open("rb") as handle:
                        digest = hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
                trusted = now - stat.st_mtime_ns > RACY_SECONDS * 1_000_000_000
                seen[path.name] = [stat.st_size, stat.st_mtime_ns if trusted else None, digest]
                result.append((path.name, digest))
        except OSError:
            return []
        self._digests = seen if seen != known else None
        return result

    def remember_digests(self) -> None:
        """Record the sizes, times and digests just computed, once they served a snapshot."""
        if self._digests is not None:
            self._write_json(self.root / "files.json", self._digests)
            self._digests = None

    # -- per-file tokenization

    def tokenized(self, articles: list[Article], fingerprints: list[tuple[str, str]], words: dict,
                  tokenizer: Tokenizer) -> Parts | None:
        """passage_parts of all articles, file by file: a file whose content, code and relevant dictionary words
        are unchanged is read from its shard; the others are tokenized and their shards written."""
        from tqdm import tqdm

        words_digest = _words_digest(words)
        self._write_json(self.root / f"words-{words_digest}.json", _sorted_words(words), only_if_missing=True)
        shards, cursor, todo = [], 0, []
        for name, digest in fingerprints:
            path = self.root / "files" / f"{digest}-{TOKENIZING_CODE}.npz"
            shard = self._read_shard(path)
            count = shard["count"] if shard else len(read_corpus_file(self.corpus_dir / name))
            file_articles = articles[cursor:cursor + count]
            cursor += count
            if shard and not self._still_valid(shard, file_articles, words, words_digest):
                shard = None
            shards.append((path, file_articles, shard))
            if shard is None:
                todo.append(len(file_articles))
        if cursor != len(articles):
            return None  # the files and the articles read from them do not line up: build without the cache
        sentences, sentence_tokens, title_tokens = [], [], []
        with tqdm(total=sum(todo), desc="tokenizing articles", unit="article", delay=1.0, disable=None) as bar:
            for path, file_articles, shard in shards:
                if shard is None:
                    parts = passage_parts(_counted(file_articles, bar), tokenizer)
                    self._write_shard(path, parts, file_articles, words_digest)
                else:
                    parts = _shard_parts(shard)
                offset = len(title_tokens)
                sentences += [dataclasses.replace(s, article=s.article + offset) for s in parts[0]] if offset else parts[0]
                sentence_tokens += parts[1]
                title_tokens += parts[2]
        log.info("tokenized %d of %d corpus files; the others came from the cache", len(todo), len(shards))
        return sentences, sentence_tokens, title_tokens

    def _still_valid(self, shard: dict, file_articles: list[Article], words: dict, words_digest: str) -> bool:
        """The shard was built from these articles, and no dictionary word that changed since occurs in them
        (jieba only looks words up inside the text it cuts, so the others cannot change its tokens)."""
        if shard["ids"] != [a.id for a in file_articles]:
            return False
        if shard["words"] == words_digest:
            return True
        before = self._read_json(self.root / f"words-{shard['words']}.json")
        if before is None:
            return False
        before = {w: tag for w, tag in before}
        changed = {w for w in before.keys() | words.keys() if before.get(w, ()) != words.get(w, ())}
        if len(changed) > MAX_WORD_CHANGES:
            return False
        haystack = normalize(" ".join(getattr(a, f) for a in file_articles for f in ARTICLE_FIELDS))
        return not any(word in haystack for word in changed)

    def _read_shard(self, path: Path, meta_only: bool = False) -> dict | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                shard = json.loads(str(data["meta"]))
                if not (isinstance(shard.get("count"), int) and isinstance(shard.get("ids"), list) and shard.get("words")):
                    raise ValueError("incomplete description")
                if not meta_only:
                    shard.update({name: data[name] for name in data.files if name != "meta"})
            return shard
        except (OSError, ValueError, KeyError, EOFError, AttributeError, zipfile.BadZipFile) as exc:
            if path.exists():
                log.warning("ignoring unreadable cached tokenization %s (%s)", path.name, exc)
            return None

    def _write_shard(self, path: Path, parts: Parts, file_articles: list[Article], words_digest: str) -> None:
        sentences, sentence_tokens, title_tokens = parts
        local: dict[str, int] = {}
        new_id = lambda token: local.setdefault(token, len(local))  # noqa: E731
        sentence_ids, sentence_offsets = _ids(sentence_tokens, new_id)
        title_ids, title_offsets = _ids(title_tokens, new_id)
        texts, text_offsets = _pack(s.text for s in sentences)
        meta = {"count": len(file_articles), "ids": [a.id for a in file_articles], "words": words_digest,
                "vocabulary": list(local)}
        arrays = {
            "meta": np.array(json.dumps(meta, ensure_ascii=False)), "texts": texts, "text_offsets": text_offsets,
            "positions": np.array([(s.article, s.paragraph, s.position) for s in sentences], dtype=np.int32).reshape(-1, 3),
            "sentence_ids": sentence_ids, "sentence_offsets": sentence_offsets,
            "title_ids": title_ids, "title_offsets": title_offsets,
        }
        try:
            self._atomically(path, lambda tmp: np.savez(tmp, **arrays), suffix=".npz")
        except OSError as exc:
            log.warning("could not cache the tokenization of %s (%s)", file_articles[0].source if file_articles else "?", exc)

    # -- snapshots

    def open_snapshot(self, key: str, tokenizer: Tokenizer | None = None) -> Knowledge | None:
        folder = self.root / f"snapshot-{key}"
        if not folder.is_dir():
            return None
        try:
            return _open(folder, tokenizer)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.warning("ignoring the unreadable index in %s (%s); rebuilding it", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
            return None

    def save(self, built: Knowledge, fingerprints: list[tuple[str, str]]) -> Knowledge | None:
        """Write built as the snapshot of these files and return it memory-mapped; None if it cannot be written."""
        if not fingerprints:
            return None
        key = _snapshot_key(fingerprints)
        folder = self.root / f"snapshot-{key}"
        try:
            opened = self.open_snapshot(key, built.tokenizer)  # another process may have written it meanwhile
            if opened is None:
                self._atomically(folder, lambda tmp: _write(tmp, built))
                opened = _open(folder, built.tokenizer)
        except (OSError, ValueError) as exc:
            log.warning("could not save the index under %s (%s); serving it from memory", self.root, exc)
            return None
        self.remember_digests()
        try:
            self._prune(keep=folder, fingerprints=fingerprints)
        except OSError as exc:  # another process may be pruning the same folder
            log.warning("could not tidy %s (%s)", self.root, exc)
        return opened

    def _prune(self, keep: Path, fingerprints: list[tuple[str, str]]) -> None:
        """Drop other snapshots, shards of files no longer in the corpus and stale temporaries. A process still
        answering from a dropped snapshot keeps its mapping (the files live on until unmapped)."""
        digests = {digest for _, digest in fingerprints}
        hour_ago = time.time() - 3600
        words_used = set()
        for shard in (self.root / "files").glob("*.npz"):
            if shard.name.split("-")[0] not in digests or not shard.name.endswith(f"-{TOKENIZING_CODE}.npz"):
                shard.unlink(missing_ok=True)
            elif (meta := self._read_shard(shard, meta_only=True)) is not None:
                words_used.add(meta["words"])
        for entry in self.root.iterdir():
            stale = (
                (entry.name.startswith("snapshot-") and entry != keep)
                or (entry.name.startswith("words-") and entry.name[len("words-"):-len(".json")] not in words_used)
                or (entry.name.startswith("tmp-") and entry.stat().st_mtime < hour_ago)
            )
            if stale:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)

    # -- small files

    def _read_json(self, path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_json(self, path: Path, value, only_if_missing: bool = False) -> None:
        if only_if_missing and path.exists():
            return
        try:
            self._atomically(path, lambda tmp: tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8"))
        except OSError as exc:
            log.warning("could not write %s (%s)", path, exc)

    def _atomically(self, target: Path, write, suffix: str = "") -> None:
        """Write to a temporary name beside target, then rename: readers see the old file, the new one or none."""
        self.root.mkdir(parents=True, exist_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}"
        try:
            write(tmp)
            try:
                os.replace(tmp, target)
            except OSError:
                if not (tmp.is_dir() and target.is_dir()):
                    raise  # a directory already in place was written by another process from the same inputs
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)


def _counted(items: list, bar) -> Iterator:
    for item in items:
        yield item
        bar.update(1)


def _shard_parts(shard: dict) -> Parts:
    vocabulary = shard["vocabulary"]
    texts = _Strings(shard["texts"], shard["text_offsets"])
    sentences = [Sentence(texts[i], int(a), int(p), int(pos)) for i, (a, p, pos) in enumerate(shard["positions"])]
    return (sentences, _tokens(shard["sentence_ids"], shard["sentence_offsets"], vocabulary),
            _tokens(shard["title_ids"], shard["title_offsets"], vocabulary))


def _tokens(ids: np.ndarray, offsets: np.ndarray, vocabulary: list[str]) -> list[list[str]]:
    words = [vocabulary[i] for i in ids.tolist()]
    bounds = offsets.tolist()
    return [words[start:end] for start, end in zip(bounds, bounds[1:])]


def _ids(token_lists: Sequence[Sequence[str]], to_id: Callable[[str], int]) -> tuple[np.ndarray, np.ndarray]:
    """Token lists as one int32 array of ids and the offsets of each list in it."""
    offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists)), out=offsets[1:])
    ids = np.fromiter(map(to_id, chain.from_iterable(token_lists)), dtype=np.int32, count=int(offsets[-1]))
    return ids, offsets


def _pack(strings) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 byte array and the offsets of each string's start (plus the end)."""
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


# ---------------------------------------------------------------- snapshot files

def _write(folder: Path, built: Knowledge) -> None:
    folder.mkdir()
    index = built.index
    terms = list(index.vocabulary)
    sentence_df = np.zeros(len(terms), dtype=np.int32)
    rows = np.fromiter(map(index.vocabulary.__getitem__, built.sentence_df), dtype=np.int64,
                       count=len(built.sentence_df))
    sentence_df[rows] = np.fromiter(built.sentence_df.values(), dtype=np.int64, count=len(rows))
    token_ids, token_offsets = _ids(built.sentence_tokens, index.vocabulary.__getitem__)
    sentence_text, sentence_offsets = _pack(s.text for s in built.sentences)
    article_text, article_offsets = _pack(getattr(a, f) for a in built.articles for f in ARTICLE_FIELDS)
    arrays = {
        **index.arrays(), "sentence_df": sentence_df, "token_ids": token_ids, "token_offsets": token_offsets,
        "sentence_text": sentence_text, "sentence_offsets": sentence_offsets,
        "sentence_positions": np.array([(s.article, s.paragraph, s.position) for s in built.sentences],
                                       dtype=np.int32).reshape(-1, 3),
        "article_text": article_text, "article_offsets": article_offsets,
    }
    sizes = {}
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array)
        sizes[name] = (folder / f"{name}.npy").stat().st_size
    (folder / "terms.json").write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    meta = {
        "format": FORMAT, "doc_count": index.doc_count, "terms": len(terms), "sizes": sizes,
        "articles": len(built.articles), "sentences": len(built.sentences),
        "user_words": list(built.tokenizer.user_words), "abbreviations": built.abbreviations,
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")  # last: marks it whole


def _open(folder: Path, tokenizer: Tokenizer | None) -> Knowledge:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["format"] != FORMAT:
        raise ValueError(f"format {meta['format']}, expected {FORMAT}")
    arrays = {}
    for name, size in meta["sizes"].items():
        path = folder / f"{name}.npy"
        if path.stat().st_size != size:
            raise ValueError(f"{path.name} holds {path.stat().st_size} bytes, expected {size}")
        arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
    terms = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
    vocabulary = {term: row for row, term in enumerate(terms)}
    doc_count, articles, sentences = meta["doc_count"], meta["articles"], meta["sentences"]
    _check(len(terms) == meta["terms"] == len(vocabulary) == len(arrays["sentence_df"]) == len(arrays["indptr"]) - 1,
           "terms")
    _check(len(arrays["indices"]) == len(arrays["data"]) == arrays["indptr"][-1], "postings")
    _check(len(arrays["sentence_offsets"]) == len(arrays["token_offsets"]) == sentences + 1
           and arrays["sentence_positions"].shape == (sentences, 3), "sentences")
    _check(len(arrays["article_offsets"]) == articles * len(ARTICLE_FIELDS) + 1, "articles")
    _check(arrays["sentence_offsets"][-1] == len(arrays["sentence_text"])
           and arrays["article_offsets"][-1] == len(arrays["article_text"])
           and arrays["token_offsets"][-1] == len(arrays["token_ids"]), "offsets")
    index = Index(vocabulary, doc_count, **{name: arrays[name] for name in retrieval.ARRAYS})
    user_words = meta["user_words"]
    if user_words and isinstance(user_words[0], list):
        user_words = {word: tag for word, tag in user_words}
    return Knowledge(
        articles=ArticleTable(_Strings(arrays["article_text"], arrays["article_offsets"])),
        sentences=SentenceTable(_Strings(arrays["sentence_text"], arrays["sentence_offsets"]),
                                arrays["sentence_positions"]),
        sentence_tokens=TokenTable(arrays["token_ids"], arrays["token_offsets"], terms),
        index=index, tokenizer=tokenizer or tokenizer_for(user_words), abbreviations=meta["abbreviations"],
        sentence_df=TermCounts(vocabulary, arrays["sentence_df"]),
    )


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"the saved {what} do not fit together")


# ---------------------------------------------------------------- read-only views over the mapped arrays

class _Strings(Sequence[str]):
    """Strings packed in one UTF-8 array: the i-th is decoded on access, never all at once."""

    def __init__(self, buffer: np.ndarray, offsets: np.ndarray):
        self.buffer, self.offsets = buffer, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.buffer[self.offsets[i]:self.offsets[i + 1]].tobytes().decode("utf-8")


class _Table(Sequence):
    """A sequence whose items are made on access from arrays (a million passages load without a million objects)."""

    def __len__(self) -> int:
        raise NotImplementedError

    def _item(self, i: int):
        raise NotImplementedError

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._item(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._item(i)


class SentenceTable(_Table):
    def __init__(self, texts: _Strings, positions: np.ndarray):
        self.texts, self.positions = texts, positions

    def __len__(self) -> int:
        return len(self.texts)

    def _item(self, i: int) -> Sentence:
        article, paragraph, position = self.positions[i].tolist()
        return Sentence(self.texts[i], article, paragraph, position)


class ArticleTable(_Table):
    def __init__(self, fields: _Strings):
        self.fields = fields

    def __len__(self) -> int:
        return len(self.fields) // len(ARTICLE_FIELDS)

    def _item(self, i: int) -> Article:
        width = len(ARTICLE_FIELDS)
        return Article(*(self.fields[i * width + f] for f in range(width)))


class TokenTable(_Table):
    def __init__(self, ids: np.ndarray, offsets: np.ndarray, terms: list[str]):
        self.ids, self.offsets, self.terms = ids, offsets, terms

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def _item(self, i: int) -> tuple[str, ...]:
        return tuple(self.terms[t] for t in self.ids[self.offsets[i]:self.offsets[i + 1]].tolist())


class TermCounts(Mapping):
    """A Counter-like read-only view: term -> count, 0 for a term never counted."""

    def __init__(self, vocabulary: dict[str, int], counts: np.ndarray):
        self.vocabulary, self.counts = vocabulary, counts

    def __getitem__(self, term: str) -> int:
        row = self.vocabulary.get(term)
        return int(self.counts[row]) if row is not None else 0

    def get(self, term: str, default=None):
        count = self[term]
        return count if count else default

    def __contains__(self, term) -> bool:
        return bool(self[term])

    def __iter__(self) -> Iterator[str]:
        return (term for term, row in self.vocabulary.items() if self.counts[row])

    def __len__(self) -> int:
        return int(np.count_nonzero(self.counts))
