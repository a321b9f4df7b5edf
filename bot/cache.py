"""The saved index beside the corpus (corpus/.index/): a start maps it instead of tokenizing, and a reload opens only
what is new. Like Lucene, it is a set of immutable segments named by one commit file.

Layout of corpus/.index/:
  commit.json           the one mutable file, replaced whole: code digest, corpus files, and the checksums of the
                        vocabulary, catalog and segment descriptions it uses. Whatever it does not name is garbage.
  terms-<id>.json       the global vocabulary (term ids, append-only while segments are added)
  vocab-<id>.json       the learned user dictionary and abbreviations of the whole corpus
  catalog-<id>.json     per corpus file: digest, article ids, the words it teaches (read on reload, not on start)
  seg-<id>/             one segment: a run of corpus files in name order (bot/segments.py), one CRC-32 per array
  files/<digest>-<code>.npz  one corpus file split and tokenized (passage_parts), keyed by its content and the code
  files.json, words-<digest>.json   unchanged files are not hashed again; the dictionaries shards were cut with
Writes go to tmp-<pid>-… names and are renamed into place; the commit is renamed last, so a process killed at any
point leaves the old commit (with all its files) or the new one. Every file is checked against its checksum before
use; anything that does not check out is rebuilt. Temporary files of processes that no longer run are removed.

Merge policy: a first build groups files into segments of about SEGMENT_TARGET passages; a reload adds a segment per
new run of files and rewrites only the segment holding a changed or removed file. When more than MERGE_AT segments
are smaller than SEGMENT_TARGET, adjacent small ones are merged (up to SEGMENT_TARGET passages each) by a background
thread after the reload, under the index's lock; questions are answered meanwhile from the snapshot already made.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import marshal
import os
import shutil
import sys
import threading
import time
import uuid
import weakref
import zipfile
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from . import corpus, knowledge as knowledge_module, retrieval, segments as segments_module, text
from .corpus import Article, CorpusError, load_corpus, read_corpus_file
from .files import describe
from .pool import tokenize_files
from .knowledge import (Knowledge, Parts, Sentence, build_knowledge, learn_file_vocabulary, merge_vocabularies,
                        passage_parts)
from .retrieval import Index
from .tables import ArticleTable, PackedStrings, SentenceTable, TermCounts, TokenTable
from .segments import ARTICLE_FIELDS, FileEntry, Segment, SegmentError, compose, file_articles, file_tables, slice_file
from .text import Tokenizer, normalize

log = logging.getLogger(__name__)

FORMAT = 3  # bump when the layout above changes
INDEX_DIR = ".index"
COMMIT = "commit.json"
SEGMENT_TARGET = 50_000  # passages: small enough to rewrite in about a second, few enough to search all at 1M
MERGE_AT = 8  # small segments tolerated before a background merge
MAX_WORD_CHANGES = 2000  # beyond this many changed dictionary words, re-tokenizing beats searching for each
RACY_SECONDS = 2  # a file modified this recently may change again within the same mtime: hash it next time too
STALE_SECONDS = 3600  # a temporary file this old is removed even if its process id is in use again


def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _source_digest(*paths: str) -> str:
    import jieba

    return _digest(str(FORMAT), jieba.__version__, *(Path(p).read_bytes() for p in paths))


# What a cached file or segment depends on besides the corpus: the code that split and tokenized it (including the
# passage design in knowledge.py) and, for segments, the code that indexed and laid it out. Read once, at import,
# so a running process keys caches by the code it actually runs.
TOKENIZING_CODE = _source_digest(text.__file__, knowledge_module.__file__, corpus.__file__)
SNAPSHOT_CODE = _digest(TOKENIZING_CODE, _source_digest(retrieval.__file__, segments_module.__file__, __file__))

_background: list[threading.Thread] = []
_background_lock = threading.Lock()
_listeners: list = []  # (corpus folder, weak reference to a bound method)


# ---------------------------------------------------------------- entry points

def load_knowledge(corpus_dir: Path, background: bool = True) -> Knowledge:
    """The knowledge of corpus_dir: its saved segments when no file changed, else updated (new segments for what
    changed, reusing the tokenization of unchanged files) and committed. Corpus faults raise CorpusError exactly as
    load_corpus does; a cache that cannot be read or written is rebuilt or skipped, never trusted blindly.

    Work that can wait (re-tokenizing older files for dictionary words a new file taught, merging small segments)
    runs in a background thread after the commit (background=False: not at all); listeners (on_background_commit)
    hear when it has committed, so that they can reload.
    """
    store = _Store(corpus_dir)
    store.clean_leftovers()
    fingerprints = store.fingerprints()
    if not fingerprints:
        return build_knowledge(load_corpus(corpus_dir))  # load_corpus names the fault, else serve from memory
    opened = store.open_current(fingerprints)
    if opened is not None:
        store.remember_digests()
        if background and store.pending_work():
            _start_background(store)
        return opened
    prepared = store.prepare(fingerprints)  # a bad corpus file is named before anything is written
    if isinstance(prepared, Knowledge):
        return prepared
    with store.locked():
        opened = store.open_current(fingerprints)  # another process may have just committed these very files
        if opened is not None:
            return opened
        knowledge = store.update(fingerprints, prepared)
    if background and store.pending_work():
        _start_background(store)
    return knowledge


def _start_background(store: "_Store") -> None:
    with _background_lock:
        if any(thread.is_alive() and thread.name == f"newsqa-index {store.root}" for thread in _background):
            return  # the running job reads the newest commit when it starts each step
        thread = threading.Thread(target=store.background, name=f"newsqa-index {store.root}", daemon=True)
        _background.append(thread)
        thread.start()


def wait_for_background(timeout: float | None = None) -> None:
    """Wait for the background jobs started by this process (tests and the benchmark use it)."""
    for thread in list(_background):
        thread.join(timeout)
        if not thread.is_alive():
            with _background_lock:
                _background.remove(thread)


def on_background_commit(corpus_dir: Path, listener) -> None:
    """Call listener() (a bound method, held weakly) after a background job commits a better index of corpus_dir:
    the engine reloads then, which only opens the new commit."""
    with _background_lock:
        _listeners.append((Path(corpus_dir).resolve(), weakref.WeakMethod(listener)))


def _notify(corpus_dir: Path) -> None:
    with _background_lock:
        alive = [(folder, ref) for folder, ref in _listeners if ref() is not None]
        _listeners[:] = alive
        targets = [ref() for folder, ref in alive if folder == Path(corpus_dir).resolve()]
    for listener in targets:
        if listener is not None:
            try:
                listener()
            except Exception as exc:  # a listener's fault must not end the index's own work
                log.warning("a listener of %s failed (%s)", corpus_dir, _why(exc))


_last_tokenizer: tuple[str, Tokenizer] | None = None
_tokenizer_lock = threading.Lock()


def tokenizer_for(user_words, cache_dir: Path | None = None) -> Tokenizer:
    """A Tokenizer with this user dictionary: reused from the last load when the dictionary is the same, else read
    from cache_dir's saved jieba state (a fraction of a second), else made and its state saved there: from the last
    load's dictionary when there is one (a reload adds its few new words in milliseconds), else from jieba's
    (seconds with tens of thousands of learned words)."""
    global _last_tokenizer
    words = _as_dict(user_words)
    key = _words_digest(words)
    with _tokenizer_lock:
        if _last_tokenizer is None or _last_tokenizer[0] != key:
            path = cache_dir / tokenizer_file(words, key) if cache_dir is not None else None
            tokenizer = _saved_tokenizer(path, user_words) if path is not None else None
            if tokenizer is None:
                tokenizer = Tokenizer(user_words, previous=_last_tokenizer[1] if _last_tokenizer else None)
                if path is not None:
                    _save_tokenizer(path, tokenizer)
            _last_tokenizer = (key, tokenizer)
        return _last_tokenizer[1]


def tokenizer_file(words: dict, words_digest: str | None = None) -> str:
    """The saved jieba state's name: marshal's format is Python's own, so the Python version is part of the key."""
    return f"jieba-{_digest(TOKENIZING_CODE, words_digest or _words_digest(words), sys.version)}.marshal"


def _saved_tokenizer(path: Path, user_words) -> Tokenizer | None:
    try:
        raw = path.read_bytes()
        if raw[:8].decode("ascii") != _crc(raw[8:]):
            raise ValueError("it does not match its checksum")
        freq, total, added, prefixes, tags = marshal.loads(raw[8:])
        _expect(isinstance(freq, dict) and isinstance(total, int) and isinstance(added, dict)
                and added.keys() == _as_dict(user_words).keys() and isinstance(prefixes, list)
                and isinstance(tags, dict), "jieba state")
        return Tokenizer(user_words, state=(freq, total, added, prefixes, tags))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError) as exc:
        log.warning("ignoring the saved jieba dictionary %s (%s)", path.name, _why(exc))
        return None


def _save_tokenizer(path: Path, tokenizer: Tokenizer) -> None:
    payload = marshal.dumps(tokenizer.state())
    try:
        _Store(path.parent.parent).root.mkdir(parents=True, exist_ok=True)
        _Store(path.parent.parent)._atomically(path, lambda tmp: _write_bytes(tmp, _crc(payload).encode() + payload))
    except OSError as exc:
        log.warning("could not save the jieba dictionary under %s (%s)", path.parent, _why(exc))


# Segments checked by this process and still in use: (folder, crc) -> (the folder's files as they were when checked,
# the vocabulary size checked against, a weak reference to the segment). A segment is written once and never changed,
# so a reload maps only the segments the snapshot it replaces does not hold; one whose files changed on disk since
# (size, time or inode) is read and checked again. Weak: a segment no snapshot holds is unmapped (its files closed).
_segments_seen: dict[tuple[str, str], tuple[tuple | None, int, weakref.ref]] = {}
_segments_lock = threading.Lock()


def _read_segment(folder: Path, crc: str, vocabulary_size: int) -> Segment:
    """segments.read(folder, crc, vocabulary_size), once per process while the folder's files stay as they were."""
    key, signature = (str(folder), crc), _folder_signature(folder)
    with _segments_lock:
        seen = _segments_seen.get(key)
    segment = seen[2]() if seen is not None else None
    if segment is not None and signature is not None and seen[0] == signature and seen[1] <= vocabulary_size:
        return segment
    segment = segments_module.read(folder, crc, vocabulary_size)
    with _segments_lock:
        _segments_seen[key] = (signature, vocabulary_size, weakref.ref(segment))
        for stale in [k for k, v in _segments_seen.items() if v[2]() is None]:
            del _segments_seen[stale]
    return segment


def _folder_signature(folder: Path) -> tuple | None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
        return tuple((e.name, st.st_size, st.st_mtime_ns, st.st_ino) for e in entries for st in [e.stat()])
    except OSError:
        return None


def _as_dict(user_words) -> dict:
    return dict(user_words) if isinstance(user_words, dict) else dict.fromkeys(user_words)


def _sorted_words(words: dict) -> list:
    return sorted(words.items(), key=lambda kv: kv[0])


def _words_digest(words: dict) -> str:
    return _digest(json.dumps(_sorted_words(words), ensure_ascii=False))


def _crc(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}"


@dataclass
class _Plan:
    """What prepare() read: the commit it started from, where each unchanged file is, the changed files' articles,
    and every file's catalog entry."""

    body: dict | None
    old: "_Opened | None"
    located: dict
    articles_of: dict
    entries: dict


@dataclass
class _Opened:
    """A commit's files, checked and mapped."""

    body: dict
    terms: list[str]
    user_words: dict
    abbreviations: dict
    segments: list[Segment]


# ---------------------------------------------------------------- the store

class _Store:
    """corpus_dir/.index: reads never trust a file whose checksum or shape is off, writes never leave half a file."""

    def __init__(self, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir)
        self.root = self.corpus_dir / INDEX_DIR
        self._digests: dict | None = None  # computed by fingerprints(), written by remember_digests()

    # -- corpus file digests

    def fingerprints(self) -> list[tuple[str, str]]:
        """(name, content digest) of every corpus file, in load order; [] when the folder cannot be listed (load_corpus
        then names the fault); CorpusError naming a listed file that cannot be read. Nothing is written until
        remember_digests()."""
        try:
            paths = corpus.corpus_files(self.corpus_dir) if self.corpus_dir.is_dir() else []
        except OSError:
            return []
        known = self._read_json(self.root / "files.json")
        known = known if isinstance(known, dict) else {}
        now = time.time_ns()
        seen, result = {}, []
        for path in paths:
            try:
                stat = path.stat()
                entry = known.get(path.name)
                size, mtime, digest = entry if isinstance(entry, list) and len(entry) == 3 else (None, None, None)
                if (size, mtime) != (stat.st_size, stat.st_mtime_ns) or not isinstance(digest, str):
                    with path.open("rb") as handle:
                        digest = hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
            except OSError as exc:  # listed, then gone or unreadable: named as load_corpus names it
                raise CorpusError(path, None, f"cannot be read ({describe(exc)})") from exc
            trusted = now - stat.st_mtime_ns > RACY_SECONDS * 1_000_000_000
            seen[path.name] = [stat.st_size, stat.st_mtime_ns if trusted else None, digest]
            result.append((path.name, digest))
        self._digests = seen if seen != known else None
        return result

    def remember_digests(self) -> None:
        """Record the sizes, times and digests just computed, once they served a snapshot."""
        if self._digests is not None:
            self._write_json(self.root / "files.json", self._digests)
            self._digests = None

    # -- the commit

    def open_current(self, fingerprints: list[tuple[str, str]], tokenizer: Tokenizer | None = None) -> Knowledge | None:
        """The committed knowledge if it is of this code and exactly these files, else None (a damaged commit is
        reported and left for the update to replace)."""
        body = self._read_commit()
        if body is None or body["files"] != [list(f) for f in fingerprints]:
            return None
        made = [tokenizer] if tokenizer else []
        try:
            opened = self._open(body, None if tokenizer else lambda words: made.append(tokenizer_for(words, self.root)))
        except (SegmentError, OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the saved index in %s (%s); rebuilding it", self.root, _why(exc))
            return None
        return _knowledge(opened, made[0])

    def _read_commit(self) -> dict | None:
        """The commit's body if it is whole, of this format and code; None otherwise."""
        path = self.root / COMMIT
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            body = raw["body"]
            if _crc(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")) != raw["crc"]:
                raise ValueError("it does not match its checksum")
            if body["format"] != FORMAT or body["code"] != SNAPSHOT_CODE:
                return None  # written by other code: rebuilt, not an error
            _expect(isinstance(body["files"], list) and all(isinstance(f, list) and len(f) == 2 for f in body["files"]),
                    "files")
            _expect(all(isinstance(s, list) and len(s) == 2 for s in body["segments"]), "segments")
            _expect(isinstance(body["sizes"], list) and len(body["sizes"]) == len(body["segments"])
                    and all(isinstance(n, int) for n in body["sizes"]), "segment sizes")
            _expect(isinstance(body["refresh"], list) and all(isinstance(w, str) for w in body["refresh"]), "words")
            return body
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the unreadable %s (%s); rebuilding the index", path, _why(exc))
            return None

    def _open(self, body: dict, meanwhile=None) -> _Opened:
        """The commit's files, each checked; meanwhile(user_words), if given, runs while the segments' checksums are
        computed on other threads (zlib lets them run in parallel with it)."""
        terms = self._read_checked(body["terms"])
        _expect(isinstance(terms, list) and set(map(type, terms)) <= {str}, "terms")
        vocab = self._read_checked(body["vocab"])
        words, abbreviations = vocab["user_words"], vocab["abbreviations"]
        _expect(isinstance(words, list) and all(isinstance(w, list) and len(w) == 2 for w in words), "user words")
        _expect(isinstance(abbreviations, dict), "abbreviations")
        user_words = {w: t for w, t in words}
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            reading = pool.map(lambda s: _read_segment(self.root / s[0], s[1], len(terms)), body["segments"])
            if meanwhile is not None:
                meanwhile(user_words)
            opened = list(reading)
        listed = [[f.name, f.digest] for s in opened for f in s.files]
        _expect(listed == body["files"], "files of the segments")
        return _Opened(body, terms, user_words, abbreviations, opened)

    def _read_checked(self, reference) -> object:
        name, crc = reference
        raw = (self.root / name).read_bytes()
        if _crc(raw) != crc:
            raise ValueError(f"{name} does not match its checksum")
        return json.loads(raw)

    # -- updating

    def prepare(self, fingerprints: list[tuple[str, str]]) -> "_Plan | Knowledge":
        """Read what changed since the commit, before anything is written: CorpusError names a bad file (the old
        commit stays). A Knowledge built in memory when the corpus cannot be saved as it is (files changing)."""
        old = self._previous()
        located = {f.name: (number, position, f.digest) for number, segment in enumerate(old.segments)
                   for position, f in enumerate(segment.files)} if old else {}
        catalog = self._previous_catalog(old)
        digests = dict(fingerprints)
        changed = [name for name, digest in fingerprints
                   if located.get(name, (0, 0, None))[2] != digest or catalog.get(name, {}).get("digest") != digest]
        articles_of = {name: read_corpus_file(self.corpus_dir / name) for name in changed}
        entries = {name: catalog[name] for name in digests if name not in articles_of}
        for name, articles in articles_of.items():
            entries[name] = {"digest": digests[name], "ids": [a.id for a in articles],
                             "learned": learn_file_vocabulary(articles)}
        ids = Counter(chain.from_iterable(entries[name]["ids"] for name in digests))
        if not ids or ids.most_common(1)[0][1] > 1 or self.fingerprints() != fingerprints:
            articles = load_corpus(self.corpus_dir)  # names the duplicate id or empty corpus exactly
            log.warning("corpus files changed while being read: this build is served but not saved")
            return build_knowledge(articles)
        return _Plan(old.body if old else None, old, located, articles_of, entries)

    def update(self, fingerprints: list[tuple[str, str]], plan: "_Plan") -> Knowledge:
        """Commit the index of these files, reusing every segment whose files did not change. Called under the lock
        with what prepare() read."""
        if plan.body != self._read_commit():  # another process committed meanwhile: start from its commit
            plan = self.prepare(fingerprints)
            if isinstance(plan, Knowledge):
                return plan
        old, located, articles_of, entries = plan.old, plan.located, plan.articles_of, plan.entries
        digests = dict(fingerprints)
        user_words, abbreviations = merge_vocabularies(entries[name]["learned"] for name in digests)
        dictionary = _words_digest(user_words)
        refresh = set(old.body.get("refresh", ())) if old else set()
        if old:  # older files may cut differently with the new words: re-tokenized in the background (refresh)
            refresh |= {w for w in old.user_words.keys() | user_words.keys() if old.user_words.get(w) != user_words.get(w)}
        redo = dict(articles_of)
        for name in redo:
            entries[name] = {**entries[name], "dictionary": dictionary}
        tokenizer = tokenizer_for(user_words, self.root)
        terms = list(old.terms) if old else []
        vocabulary = {term: row for row, term in enumerate(terms)}
        parts = self._tokenized([(name, digests[name], redo[name]) for name in digests if name in redo],
                                user_words, tokenizer)
        fresh = {name: (FileEntry(name, digests[name], len(redo[name]), len(parts[name][0])),
                        file_tables(redo[name], parts[name], vocabulary)) for name in redo}
        terms += list(vocabulary)[len(terms):]
        kept, made = self._plan_segments([name for name, _ in fingerprints], located, old, fresh)
        try:
            knowledge = self._commit(fingerprints, kept, made, terms, vocabulary, user_words, abbreviations,
                                     entries, tokenizer, old, sorted(refresh))
        except OSError as exc:
            log.warning("could not save the index under %s (%s); serving it from memory", self.root, _why(exc))
            segments = [s if isinstance(s, Segment) else compose(s) for s in kept]
            return _knowledge(_Opened({}, terms, user_words, abbreviations, segments), tokenizer, vocabulary)
        self.remember_digests()
        return knowledge

    def _previous(self) -> _Opened | None:
        body = self._read_commit()
        if body is None:
            return None
        try:
            return self._open(body)
        except (SegmentError, OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the saved index in %s (%s); rebuilding it", self.root, _why(exc))
            return None

    def _previous_catalog(self, old: _Opened | None) -> dict:
        if old is None:
            return {}
        try:
            catalog = self._read_checked(old.body["catalog"])
            _expect(isinstance(catalog, dict) and all(
                isinstance(e, dict) and isinstance(e.get("ids"), list) and isinstance(e.get("learned"), dict)
                for e in catalog.values()), "catalog")
            return catalog
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring the saved catalog (%s): every corpus file is read again", _why(exc))
            return {}

    def _plan_segments(self, names: list[str], located: dict, old: _Opened | None, fresh: dict) -> tuple[list, list]:
        """The new segment list, in file order: an old segment whose files are all unchanged and still adjacent is
        kept as it is; every other run of files becomes new segments of at most SEGMENT_TARGET passages."""
        units = [("old",) + located[name][:2] if name not in fresh else ("new", name) for name in names]
        result, pending, i = [], [], 0
        while i < len(units):
            unit = units[i]
            if unit[0] == "old" and unit[2] == 0:
                segment = old.segments[unit[1]]
                span = [("old", unit[1], k) for k in range(len(segment.files))]
                if units[i:i + len(span)] == span:
                    result += _chunks(pending)
                    result.append(segment)
                    pending = []
                    i += len(span)
                    continue
            pending.append(fresh[unit[1]] if unit[0] == "new" else
                           (old.segments[unit[1]].files[unit[2]], slice_file(old.segments[unit[1]], unit[2])))
            i += 1
        result += _chunks(pending)
        return result, [s for s in result if not isinstance(s, Segment)]

    def _commit(self, fingerprints, planned, made, terms, vocabulary, user_words, abbreviations, entries, tokenizer,
                old: _Opened | None, refresh: list[str]) -> Knowledge:
        from tqdm import tqdm

        self.root.mkdir(parents=True, exist_ok=True)
        segments, listed = [], []
        with tqdm(total=sum(sum(e.sentences for e, _ in p) for p in made), desc="indexing passages", unit="passage",
                  delay=1.0, disable=None) as bar:
            for item in planned:
                if isinstance(item, Segment):
                    segments.append(item)
                    listed.append(next(s for s, o in zip(old.body["segments"], old.segments) if o is item))
                    continue
                segment = compose(item)
                name = f"seg-{uuid.uuid4().hex[:16]}"
                crc = self._atomically(self.root / name, lambda tmp: segments_module.write(tmp, segment))
                segments.append(_read_segment(self.root / name, crc, len(terms)))
                listed.append([name, crc])
                bar.update(segment.sentence_count)
        reference = lambda kind, value: self._write_unique(kind, value)  # noqa: E731
        reuse_terms = old is not None and len(old.terms) == len(terms)
        body = {
            "format": FORMAT, "code": SNAPSHOT_CODE, "files": [list(f) for f in fingerprints],
            "terms": old.body["terms"] if reuse_terms else reference("terms", terms),
            "vocab": reference("vocab", {"user_words": _sorted_words(user_words), "abbreviations": abbreviations}),
            "catalog": reference("catalog", {name: entries[name] for name, _ in fingerprints}),
            "segments": listed, "tokenizer": tokenizer_file(user_words), "refresh": refresh,
            "sizes": [s.sentence_count for s in segments],
        }
        self._write_commit(body)
        self._prune(body)
        return _knowledge(_Opened(body, terms, user_words, abbreviations, segments), tokenizer, vocabulary)

    def _write_unique(self, kind: str, value) -> list[str]:
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
        name = f"{kind}-{uuid.uuid4().hex[:16]}.json"
        self._atomically(self.root / name, lambda tmp: _write_bytes(tmp, raw))
        return [name, _crc(raw)]

    def _write_commit(self, body: dict) -> None:
        crc = _crc(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        raw = json.dumps({"body": body, "crc": crc}, ensure_ascii=False).encode("utf-8")
        self._atomically(self.root / COMMIT, lambda tmp: _write_bytes(tmp, raw))

    # -- background work: refresh, then merge

    def pending_work(self) -> bool:
        """Whether the commit leaves files to re-tokenize for new dictionary words, or small segments to merge."""
        body = self._read_commit()
        return body is not None and bool(body["refresh"] or merge_plan(body["sizes"]))

    def background(self) -> None:
        """Re-tokenize what the dictionary changed (refresh), then merge small segments; each step works outside
        the lock from the newest commit and commits only if that commit is still current, so reloads never wait
        for it. Listeners hear of each commit."""
        for step in (self._refresh, self._merge):
            try:
                if step():
                    _notify(self.corpus_dir)
            except (OSError, SegmentError, ValueError, KeyError, TypeError, CorpusError) as exc:
                log.warning("background work on %s stopped (%s); the index stays as committed", self.root, _why(exc))
                return

    def _refresh(self) -> bool:
        body = self._read_commit()
        if body is None or not body.get("refresh"):
            return False
        opened = self._open(body)
        catalog = self._read_checked(body["catalog"])
        words, dictionary = set(body["refresh"]), _words_digest(opened.user_words)
        affected = {}
        for number, segment in enumerate(opened.segments):
            for position, entry in enumerate(segment.files):
                if catalog[entry.name].get("dictionary") == dictionary:
                    continue  # cut with this very dictionary already
                articles = file_articles(segment, position)
                haystack = normalize(" ".join(getattr(a, f) for a in articles for f in ARTICLE_FIELDS))
                if len(words) > MAX_WORD_CHANGES or any(word in haystack for word in words):
                    affected[entry.name] = (number, position, entry, articles)
        log.info("%d dictionary words changed: %d older files are tokenized again", len(words), len(affected))
        tokenizer = tokenizer_for(opened.user_words, self.root)
        parts = self._tokenized([(n, e.digest, a) for n, (_, _, e, a) in affected.items()], opened.user_words,
                                tokenizer)
        terms = list(opened.terms)
        vocabulary = {term: row for row, term in enumerate(terms)}
        replaced = {}
        for number, segment in enumerate(opened.segments):
            if any(affected.get(entry.name, (None,))[0] == number for entry in segment.files):
                pieces = [(FileEntry(e.name, e.digest, e.articles, len(parts[e.name][0])),
                           file_tables(affected[e.name][3], parts[e.name], vocabulary)) if e.name in affected
                          else (e, slice_file(segment, k)) for k, e in enumerate(segment.files)]
                replaced[number] = compose(pieces)
        grown = len(vocabulary) > len(terms)
        terms += list(vocabulary)[len(terms):]
        catalog = {name: {**entry, "dictionary": dictionary} for name, entry in catalog.items()}
        return self._commit_background(body, replaced, terms if grown else None, {"catalog": self._write_unique("catalog", catalog),
                                                                "refresh": []})

    def _merge(self) -> bool:
        body = self._read_commit()
        if body is None or not merge_plan(body["sizes"]):
            return False
        opened = self._open(body)
        plan = merge_plan([s.sentence_count for s in opened.segments])
        replaced = {}
        for start, end in plan:
            pieces = [(f, slice_file(s, k)) for s in opened.segments[start:end] for k, f in enumerate(s.files)]
            replaced[(start, end)] = compose(pieces)
        return self._commit_background(body, replaced, None, {})

    def _commit_background(self, body: dict, replaced: dict, terms: list[str] | None, changes: dict) -> bool:
        """Write the replacing segments under temporary names, then, under the lock and only if body is still the
        commit, rename them into place and commit. replaced: segment position or (start, end) range -> segment;
        terms: the vocabulary when it grew."""
        written = {}
        try:
            for where, segment in replaced.items():
                tmp = self.root / f"tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
                written[where] = (tmp, segments_module.write(tmp, segment), segment.sentence_count)
            with self.locked():
                if self._read_commit() != body:
                    return False  # a newer commit carries this work over and runs it again
                listed = [[name, crc, size] for (name, crc), size in zip(body["segments"], body["sizes"])]
                for where in sorted(written, key=lambda w: w if isinstance(w, int) else w[0], reverse=True):
                    tmp, crc, size = written[where]
                    name = f"seg-{uuid.uuid4().hex[:16]}"
                    os.replace(tmp, self.root / name)
                    start, end = (where, where + 1) if isinstance(where, int) else where
                    listed[start:end] = [[name, crc, size]]
                new = {**body, **changes, "segments": [s[:2] for s in listed], "sizes": [s[2] for s in listed]}
                if terms is not None:
                    new["terms"] = self._write_unique("terms", terms)
                self._write_commit(new)
                self._prune(new, deep=True)
                log.info("background work committed %d new segments under %s", len(written), self.root)
                return True
        finally:
            for tmp, _, _ in written.values():
                if tmp.exists():
                    _remove(tmp)

    # -- per-file tokenization

    def _tokenized(self, jobs: list[tuple[str, str, list[Article]]], words: dict, tokenizer: Tokenizer) -> dict:
        """passage_parts of each file: read from its shard when the content, code and relevant dictionary words are
        unchanged; the others tokenized (on all cores when there are many) and their shards written."""
        words_digest = _words_digest(words)
        self._write_json(self.root / f"words-{words_digest}.json", _sorted_words(words), only_if_missing=True)
        result, todo = {}, []
        for name, digest, articles in jobs:
            path = self.root / "files" / f"{digest}-{TOKENIZING_CODE}.npz"
            shard = self._read_shard(path)
            if shard and self._still_valid(shard, articles, words, words_digest):
                result[name] = _shard_parts(shard)
            else:
                todo.append((name, path, articles))
        made = tokenize_files([articles for _, _, articles in todo], words, tokenizer, passage_parts,
                              cache_dir=self.root)
        for (name, path, articles), parts in zip(todo, made):
            self._write_shard(path, parts, articles, words_digest)
            result[name] = parts
        log.info("tokenized %d of %d corpus files; the others came from the cache", len(todo), len(jobs))
        return result

    def _still_valid(self, shard: dict, file_articles: list[Article], words: dict, words_digest: str) -> bool:
        """The shard was built from these articles, and no dictionary word that changed since occurs in them."""
        if shard["ids"] != [a.id for a in file_articles]:
            return False
        if shard["words"] == words_digest:
            return True
        before = self._read_json(self.root / f"words-{shard['words']}.json")
        if not isinstance(before, list) or not all(isinstance(p, list) and len(p) == 2 for p in before):
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
                if not (isinstance(shard.get("count"), int) and isinstance(shard.get("ids"), list)
                        and isinstance(shard.get("words"), str) and isinstance(shard.get("vocabulary"), list)):
                    raise ValueError("incomplete description")
                if not meta_only:
                    shard.update({name: data[name] for name in data.files if name != "meta"})
                    _check_shard(shard)
            return shard
        except (OSError, ValueError, KeyError, EOFError, AttributeError, IndexError, TypeError,
                zipfile.BadZipFile) as exc:
            if path.exists():
                log.warning("ignoring unreadable cached tokenization %s (%s)", path.name, _why(exc))
            return None

    def _write_shard(self, path: Path, parts: Parts, file_articles: list[Article], words_digest: str) -> None:
        sentences, sentence_tokens, title_tokens = parts
        local: dict[str, int] = {}
        new_id = lambda token: local.setdefault(token, len(local))  # noqa: E731
        sentence_ids, sentence_offsets = segments_module._ids(sentence_tokens, new_id)
        title_ids, title_offsets = segments_module._ids(title_tokens, new_id)
        texts, text_offsets = segments_module._pack(s.text for s in sentences)
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
            log.warning("could not cache the tokenization of %s (%s)", path.name, _why(exc))

    # -- tidying

    def _prune(self, body: dict, deep: bool = False) -> None:
        """Remove what the commit does not name. A process still answering from a removed segment keeps its
        mapping (the files live on until unmapped). deep (background work only): also the dictionaries no cached
        tokenization was cut with, which takes reading every shard's description."""
        try:
            used = {body["terms"][0], body["vocab"][0], body["catalog"][0], body["tokenizer"],
                    *(s[0] for s in body["segments"])}
            digests = {digest for _, digest in body["files"]}
            words_used = set()
            for shard in (self.root / "files").glob("*.npz"):
                if shard.name.split("-")[0] not in digests or not shard.name.endswith(f"-{TOKENIZING_CODE}.npz"):
                    shard.unlink(missing_ok=True)
                elif deep and (meta := self._read_shard(shard, meta_only=True)) is not None:
                    words_used.add(meta["words"])
            for entry in self.root.iterdir():
                stale = (
                    (entry.name.startswith(("seg-", "terms-", "vocab-", "catalog-", "snapshot-", "jieba-")) and entry.name not in used)
                    or (deep and entry.name.startswith("words-") and entry.name[len("words-"):-len(".json")] not in words_used)
                )
                if stale:
                    _remove(entry)
        except OSError as exc:  # another process may be tidying the same folder
            log.warning("could not tidy %s (%s)", self.root, _why(exc))

    def clean_leftovers(self) -> None:
        """Remove temporary files of processes that no longer run (or older than STALE_SECONDS): what a kill -9
        in the middle of a write leaves behind."""
        try:
            entries = list(self.root.glob("tmp-*")) + list((self.root / "files").glob("tmp-*"))
        except OSError:
            return
        for entry in entries:
            try:
                pid = int(entry.name.split("-")[1])
                if not _running(pid) or entry.stat().st_mtime < time.time() - STALE_SECONDS:
                    _remove(entry)
            except (ValueError, IndexError, OSError):
                continue

    @contextlib.contextmanager
    def locked(self):
        """Hold the index's lock (one writer at a time, across processes); without one if it cannot be made."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / "lock", "a+b")
        except OSError:
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- small files

    def _read_json(self, path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_json(self, path: Path, value, only_if_missing: bool = False) -> None:
        if only_if_missing and path.exists():
            return
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8")
        try:
            self._atomically(path, lambda tmp: _write_bytes(tmp, raw))
        except OSError as exc:
            log.warning("could not write %s (%s)", path, _why(exc))

    def _atomically(self, target: Path, write, suffix: str = ""):
        """Write to a temporary name beside target, then rename: readers see the old file, the new one or none."""
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f"tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}{suffix}"
        try:
            result = write(tmp)
            os.replace(tmp, target)
            return result
        finally:
            if tmp.exists():
                _remove(tmp)


def merge_plan(sizes: Sequence[int]) -> list[tuple[int, int]]:
    """The merge policy: when more than MERGE_AT segments hold fewer than SEGMENT_TARGET passages, each run of
    adjacent small segments is packed, left to right, into groups of at most SEGMENT_TARGET passages; groups of two
    or more become one segment. (start, end) ranges of segment positions, ascending."""
    if sum(size < SEGMENT_TARGET for size in sizes) <= MERGE_AT:
        return []
    plan, start, total = [], 0, 0
    for i, size in enumerate([*sizes, SEGMENT_TARGET]):
        if size >= SEGMENT_TARGET or total + size > SEGMENT_TARGET:
            if i - start >= 2:
                plan.append((start, i))
            start, total = (i + 1, 0) if size >= SEGMENT_TARGET else (i, size)
        else:
            total += size
    return plan


def _chunks(pending: list) -> list[list]:
    """Files in order, grouped into runs of at most SEGMENT_TARGET passages (a larger file is a segment alone)."""
    groups, size = [], 0
    for entry, tables in pending:
        if not groups or size + entry.sentences > SEGMENT_TARGET:
            groups.append([])
            size = 0
        groups[-1].append((entry, tables))
        size += entry.sentences
    return groups


def _why(exc: Exception) -> str:
    """An error in the log's words: OS faults in plain Chinese with their path (没有权限: …)."""
    if isinstance(exc, OSError):
        words = describe(exc) + (f", {exc.strerror}" if exc.strerror and exc.strerror != describe(exc) else "")
        return f"{words}: {exc.filename}" if exc.filename else words
    return str(exc)


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise ValueError(f"the saved {what} are not what they should be")


def _check_shard(shard: dict) -> None:
    """A shard's arrays fit each other and its description."""
    vocabulary_size = len(shard["vocabulary"])
    for ids, offsets in (("sentence_ids", "sentence_offsets"), ("title_ids", "title_offsets")):
        _expect(shard[offsets][-1] == len(shard[ids]) and (not len(shard[ids]) or shard[ids].max() < vocabulary_size),
                ids)
    _expect(len(shard["title_offsets"]) == shard["count"] + 1, "titles")
    _expect(shard["positions"].shape == (len(shard["sentence_offsets"]) - 1, 3)
            and shard["text_offsets"][-1] == len(shard["texts"]), "sentences")


def _shard_parts(shard: dict) -> Parts:
    vocabulary = shard["vocabulary"]
    texts = PackedStrings(shard["texts"], shard["text_offsets"])
    sentences = [Sentence(texts[i], int(a), int(p), int(pos)) for i, (a, p, pos) in enumerate(shard["positions"])]
    return (sentences, _tokens(shard["sentence_ids"], shard["sentence_offsets"], vocabulary),
            _tokens(shard["title_ids"], shard["title_offsets"], vocabulary))


def _tokens(ids: np.ndarray, offsets: np.ndarray, vocabulary: list[str]) -> list[list[str]]:
    words = [vocabulary[i] for i in ids.tolist()]
    bounds = offsets.tolist()
    return [words[start:end] for start, end in zip(bounds, bounds[1:])]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)


# ---------------------------------------------------------------- the knowledge of segments

def _knowledge(opened: _Opened, tokenizer: Tokenizer | None, vocabulary: dict | None = None) -> Knowledge:
    """A Knowledge whose tables read the segments' mapped arrays on access: nothing per passage is made at load."""
    terms = opened.terms
    vocabulary = vocabulary if vocabulary is not None else {term: row for row, term in enumerate(terms)}
    segments = opened.segments
    sentence_df = np.zeros(len(terms), dtype=np.int64)
    for segment in segments:
        sentence_df[segment.arrays["rows"]] += segment.arrays["sentence_df"]
    return Knowledge(
        articles=ArticleTable(segments), sentences=SentenceTable(segments), sentence_tokens=TokenTable(segments, terms),
        index=Index(vocabulary, [s.postings for s in segments]),
        tokenizer=tokenizer or tokenizer_for(opened.user_words), abbreviations=opened.abbreviations,
        sentence_df=TermCounts(vocabulary, sentence_df),
    )


def seed_tokenization(corpus_dir: Path, by_file: Mapping[str, tuple[list[Article], Parts]]) -> None:
    """Record tokenizations made elsewhere as the cached tokenization of corpus_dir's files, so that the next load
    indexes them without jieba (the benchmark's synthetic archives come tokenized). Parts count articles from 0
    within each file."""
    store = _Store(corpus_dir)
    digests = dict(store.fingerprints())
    words, _ = merge_vocabularies(learn_file_vocabulary(articles) for articles, _ in by_file.values())
    words_digest = _words_digest(words)
    store._write_json(store.root / f"words-{words_digest}.json", _sorted_words(words))
    for name, (articles, parts) in by_file.items():
        store._write_shard(store.root / "files" / f"{digests[name]}-{TOKENIZING_CODE}.npz", parts, articles,
                           words_digest)
