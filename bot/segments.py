"""Segments of the saved index: each holds a run of corpus files (sentences, articles, token ids and their BM25
postings), is written once under its own name with a checksum per array, and is never changed afterwards.

A segment's postings follow the passage design of bot/knowledge.py (passage_documents: a sentence's tokens twice,
its headline, its neighbours in the same article), computed here from token ids in a few array operations;
tests/test_cache.py (assert_as_built) checks that both serve the same search.
"""

from __future__ import annotations

import dataclasses
import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from .corpus import Article
from .knowledge import Parts
from .retrieval import POSTINGS, Postings

FORMAT = 2
ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
# What a segment is made of; the postings and sentence_df are derived from these when a segment is composed.
TABLES = {  # name -> (dtype, dimensions)
    "token_ids": ("int32", 1), "token_offsets": ("int64", 1), "title_ids": ("int32", 1), "title_offsets": ("int64", 1),
    "sentence_text": ("uint8", 1), "sentence_offsets": ("int64", 1), "sentence_positions": ("int32", 2),
    "article_text": ("uint8", 1), "article_offsets": ("int64", 1),
}
DERIVED = {"rows": "int32", "indptr": "int64", "docs": "int32", "tf": "int32", "lengths": "int32",
           "max_tf": "int32", "min_length": "int32", "sentence_df": "int32"}
CHUNK = 1 << 20


class SegmentError(ValueError):
    """A segment on disk that is damaged, incomplete or does not fit its description."""


@dataclass(frozen=True)
class FileEntry:
    """One corpus file inside a segment: its name, content digest, and how many articles and sentences it holds."""

    name: str
    digest: str
    articles: int
    sentences: int


@dataclass(frozen=True, eq=False)
class Segment:
    files: tuple[FileEntry, ...]
    arrays: dict  # TABLES and DERIVED names -> arrays

    @property
    def postings(self) -> Postings:
        return Postings(**{name: self.arrays[name] for name in POSTINGS})

    @property
    def sentence_count(self) -> int:
        return len(self.arrays["token_offsets"]) - 1

    @property
    def article_count(self) -> int:
        return len(self.arrays["title_offsets"]) - 1

    def file_ranges(self) -> list[tuple[int, int, int, int]]:
        """(first sentence, end sentence, first article, end article) of each file, in order."""
        ranges, sentence, article = [], 0, 0
        for entry in self.files:
            ranges.append((sentence, sentence + entry.sentences, article, article + entry.articles))
            sentence += entry.sentences
            article += entry.articles
        return ranges


# ---------------------------------------------------------------- making segments

def file_tables(articles: Sequence[Article], parts: Parts, vocabulary: dict[str, int]) -> dict:
    """The tables of one corpus file from its passage_parts; new terms are appended to the vocabulary."""
    sentences, sentence_tokens, title_tokens = parts
    add = lambda term: vocabulary.setdefault(term, len(vocabulary))  # noqa: E731
    token_ids, token_offsets = _ids(sentence_tokens, add)
    title_ids, title_offsets = _ids(title_tokens, add)
    sentence_text, sentence_offsets = _pack(s.text for s in sentences)
    article_text, article_offsets = _pack(getattr(a, f) for a in articles for f in ARTICLE_FIELDS)
    positions = np.array([(s.article, s.paragraph, s.position) for s in sentences], dtype=np.int32).reshape(-1, 3)
    return {"token_ids": token_ids, "token_offsets": token_offsets, "title_ids": title_ids,
            "title_offsets": title_offsets, "sentence_text": sentence_text, "sentence_offsets": sentence_offsets,
            "sentence_positions": positions, "article_text": article_text, "article_offsets": article_offsets}


def compose(pieces: Sequence[tuple[FileEntry, dict]]) -> Segment:
    """One segment of several files' tables, in order (each table as file_tables or slice_file gives it)."""
    tables: dict[str, np.ndarray] = {}
    for name in ("token_ids", "title_ids", "sentence_text", "article_text"):
        tables[name] = _concat([t[name] for _, t in pieces], TABLES[name][0])
    for name, values in (("token_offsets", "token_ids"), ("title_offsets", "title_ids"),
                         ("sentence_offsets", "sentence_text"), ("article_offsets", "article_text")):
        tables[name] = _join_offsets([t[name] for _, t in pieces])
    positions, article_base = [], 0
    for _, t in pieces:
        shifted = np.array(t["sentence_positions"], dtype=np.int32).reshape(-1, 3)
        shifted[:, 0] += article_base
        positions.append(shifted)
        article_base += len(t["title_offsets"]) - 1
    tables["sentence_positions"] = np.concatenate(positions) if positions else np.zeros((0, 3), dtype=np.int32)
    return Segment(tuple(entry for entry, _ in pieces), {**tables, **derive(tables)})


def slice_file(segment: Segment, number: int) -> dict:
    """The tables of the segment's number-th file, as file_tables made them."""
    s0, s1, a0, a1 = segment.file_ranges()[number]
    a = segment.arrays
    width = len(ARTICLE_FIELDS)
    token_offsets = np.asarray(a["token_offsets"][s0:s1 + 1])
    title_offsets = np.asarray(a["title_offsets"][a0:a1 + 1])
    sentence_offsets = np.asarray(a["sentence_offsets"][s0:s1 + 1])
    article_offsets = np.asarray(a["article_offsets"][a0 * width:a1 * width + 1])
    positions = np.array(a["sentence_positions"][s0:s1], dtype=np.int32).reshape(-1, 3)
    positions[:, 0] -= a0
    return {
        "token_ids": a["token_ids"][token_offsets[0]:token_offsets[-1]], "token_offsets": token_offsets - token_offsets[0],
        "title_ids": a["title_ids"][title_offsets[0]:title_offsets[-1]], "title_offsets": title_offsets - title_offsets[0],
        "sentence_text": a["sentence_text"][sentence_offsets[0]:sentence_offsets[-1]],
        "sentence_offsets": sentence_offsets - sentence_offsets[0],
        "article_text": a["article_text"][article_offsets[0]:article_offsets[-1]],
        "article_offsets": article_offsets - article_offsets[0], "sentence_positions": positions,
    }


def file_articles(segment: Segment, number: int) -> list[Article]:
    """The articles of the segment's number-th file, read back from its tables."""
    table = slice_file(segment, number)
    texts, offsets = table["article_text"], table["article_offsets"].tolist()
    fields = [texts[offsets[i]:offsets[i + 1]].tobytes().decode("utf-8") for i in range(len(offsets) - 1)]
    width = len(ARTICLE_FIELDS)
    return [Article(*fields[i:i + width]) for i in range(0, len(fields), width)]


def derive(tables: dict) -> dict:
    """The postings of the passage design and each term's sentence frequency, from token ids (see the module doc)."""
    token_offsets, title_offsets = tables["token_offsets"], tables["title_offsets"]
    n = len(token_offsets) - 1
    sentence_lengths = np.diff(token_offsets)
    title_lengths = np.diff(title_offsets)
    article = np.asarray(tables["sentence_positions"][:, 0], dtype=np.int64)
    own = np.repeat(np.arange(n), sentence_lengths)
    docs, terms, counts = [own], [tables["token_ids"]], [np.full(len(own), 2, dtype=np.int32)]
    lengths = 2 * sentence_lengths + title_lengths[article]
    # the headline's tokens, once for each sentence of its article
    docs.append(np.repeat(np.arange(n), title_lengths[article]))
    terms.append(tables["title_ids"][_ranges(title_offsets[article], title_lengths[article])])
    # the neighbours' tokens, for the sentence before and after in the same article
    for step in (-1, 1):
        source = np.arange(n) + step
        valid = (source >= 0) & (source < n)
        valid[valid] = article[source[valid]] == article[valid]
        receivers, givers = np.flatnonzero(valid), source[valid]
        docs.append(np.repeat(receivers, sentence_lengths[givers]))
        terms.append(tables["token_ids"][_ranges(token_offsets[givers], sentence_lengths[givers])])
        lengths[receivers] += sentence_lengths[givers]
    for extra in docs[1:]:
        counts.append(np.ones(len(extra), dtype=np.int32))
    postings = Postings.from_counts(np.concatenate(docs), np.concatenate(terms).astype(np.int32),
                                    np.concatenate(counts), lengths)
    # sentence_df: in how many sentences each posting row's term occurs
    key = np.unique(tables["token_ids"].astype(np.int64) * max(n, 1) + own)
    held, times = np.unique(key // max(n, 1), return_counts=True)
    sentence_df = np.zeros(len(postings.rows), dtype=np.int32)
    sentence_df[np.searchsorted(postings.rows, held)] = times
    return {**postings.arrays(), "sentence_df": sentence_df}


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions start..start+length-1 of each range, all concatenated."""
    lengths = np.asarray(lengths, dtype=np.int64)
    firsts = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(np.asarray(starts, dtype=np.int64) - firsts, lengths)


def _ids(token_lists, to_id) -> tuple[np.ndarray, np.ndarray]:
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


def _concat(arrays: list, dtype: str) -> np.ndarray:
    return np.concatenate([np.asarray(a) for a in arrays]).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)


def _join_offsets(offsets: list) -> np.ndarray:
    parts, base = [np.zeros(1, dtype=np.int64)], 0
    for o in offsets:
        o = np.asarray(o, dtype=np.int64)
        parts.append(o[1:] + base)
        base += int(o[-1])
    return np.concatenate(parts)


# ---------------------------------------------------------------- files on disk

def write(folder: Path, segment: Segment) -> str:
    """Write the segment into a new folder; returns the checksum of its description (segment.json), which holds
    the size, shape, type and CRC-32 of every array file, and the file's identity once written and synced."""
    folder.mkdir()
    described = {}
    for name, array in segment.arrays.items():
        path = folder / f"{name}.npy"
        with path.open("wb") as handle:
            np.save(handle, np.ascontiguousarray(array))
            handle.flush()
            os.fsync(handle.fileno())
        described[name] = {"shape": list(np.shape(array)), "dtype": str(np.asarray(array).dtype),
                           "bytes": path.stat().st_size, "crc": file_crc(path), "written": _identity(path)}
    description = json.dumps({"format": FORMAT, "files": [dataclasses.astuple(f) for f in segment.files],
                              "arrays": described}, ensure_ascii=False).encode("utf-8")
    _write_bytes(folder / "segment.json", description)
    return f"{zlib.crc32(description):08x}"


def read(folder: Path, crc: str, vocabulary_size: int) -> Segment:
    """Map a segment written by write(), checking its description against crc and every array against its size,
    shape, type and CRC-32; SegmentError on any mismatch.

    An array file that is still the file write() made and synced (same inode, size, modification and change time)
    is not read for its CRC: any write to a file since, or putting another file in its place, sets its change
    time, which no program can set back, so only a damaged disk could slip through. That saves reading the whole
    index at every start (a gigabyte at a million passages); a copied or touched index is checked in full."""
    try:
        raw = (folder / "segment.json").read_bytes()
        if f"{zlib.crc32(raw):08x}" != crc:
            raise SegmentError(f"{folder.name}/segment.json does not match its checksum")
        description = json.loads(raw)
        if description.get("format") != FORMAT:
            raise SegmentError(f"{folder.name} has format {description.get('format')}, expected {FORMAT}")
        files = tuple(FileEntry(str(n), str(d), int(a), int(s)) for n, d, a, s in description["files"])
        arrays = {}
        for name, (dtype, dims) in {**TABLES, **{k: (v, 1) for k, v in DERIVED.items()}}.items():
            spec = description["arrays"][name]
            path = folder / f"{name}.npy"
            unchanged = spec.get("written") is not None and _identity(path) == spec["written"]
            if not unchanged and (path.stat().st_size != spec["bytes"] or file_crc(path) != spec["crc"]):
                raise SegmentError(f"{folder.name}/{path.name} does not match its checksum")
            array = np.load(path, mmap_mode="r", allow_pickle=False)
            if str(array.dtype) != dtype or array.ndim != dims or list(array.shape) != spec["shape"]:
                raise SegmentError(f"{folder.name}/{path.name} has shape {array.shape} {array.dtype}")
            arrays[name] = array.view(np.ndarray) if array.size else np.zeros(array.shape, dtype=dtype)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, SegmentError):
            raise
        raise SegmentError(f"{folder.name} cannot be read ({exc})") from exc
    segment = Segment(files, arrays)
    _check_fit(segment, vocabulary_size)
    return segment


def _check_fit(segment: Segment, vocabulary_size: int) -> None:
    """The arrays fit one another and the vocabulary (corruption is caught by the checksums; this catches a
    segment written by different code or paired with the wrong vocabulary)."""
    a = segment.arrays
    n, articles = segment.sentence_count, segment.article_count
    checks = {
        "files": sum(f.sentences for f in segment.files) == n and sum(f.articles for f in segment.files) == articles,
        "sentences": len(a["sentence_offsets"]) == n + 1 and a["sentence_positions"].shape == (n, 3)
        and len(a["lengths"]) == n,
        "articles": len(a["article_offsets"]) == articles * len(ARTICLE_FIELDS) + 1,
        "offsets": all(a[o][0] == 0 and a[o][-1] == len(a[v]) for o, v in (
            ("token_offsets", "token_ids"), ("title_offsets", "title_ids"), ("sentence_offsets", "sentence_text"),
            ("article_offsets", "article_text"))),
        "postings": len(a["indptr"]) == len(a["rows"]) + 1 == len(a["max_tf"]) + 1 == len(a["min_length"]) + 1
        == len(a["sentence_df"]) + 1 and a["indptr"][-1] == len(a["docs"]) == len(a["tf"]),
        "vocabulary": all(not len(a[k]) or (0 <= int(a[k].min()) and int(a[k].max()) < vocabulary_size)
                          for k in ("rows", "token_ids", "title_ids")),
    }
    broken = [name for name, fine in checks.items() if not fine]
    if broken:
        raise SegmentError(f"the {', '.join(broken)} of the segment do not fit together")


def _identity(path: Path) -> list[int]:
    """What tells this file from any other file, or from itself after a write: inode, size, mtime and ctime."""
    stat = path.stat()
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def file_crc(path: Path) -> str:
    """CRC-32 of a file, read in chunks (zlib releases the GIL: folders are checked on several threads)."""
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            crc = zlib.crc32(chunk, crc)
    return f"{crc:08x}"


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())

