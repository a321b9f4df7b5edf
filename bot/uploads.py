"""Admins add papers without logging in to the server: a raw page (.txt, into seeds/) or a corpus file (.jsonl, into
corpus/) is checked, stored, built and served; a bad file is refused with file and line, and nothing changes."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .corpus import BuildReport, CorpusError, build_corpus, read_corpus_file
from .engine import Engine, ReloadReport
from .files import atomic_write, describe

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the Bot API lets bots download files up to 20 MB
NAME_RE = re.compile(r"[\w\u4e00-\u9fff][\w\u4e00-\u9fff.\-]{0,99}")


class UploadError(Exception):
    """A file that is not added; the one-line message names the file (and the line) and what is wrong."""


@dataclass(frozen=True)
class Added:
    """What adding a file did: the file's name, its build report (a .txt page) and the reload that served it."""

    name: str
    articles: int
    build: BuildReport | None
    reload: ReloadReport


def check_name(name: str | None, max_bytes: int, size: int | None) -> str:
    """The file's name when it is a .txt or .jsonl of an acceptable size, else UploadError."""
    name = Path(name or "").name
    if not name.endswith((".txt", ".jsonl")):
        raise UploadError(f"{name or '这个文件'}：只接受 .txt（报纸版面原文）或 .jsonl（语料文件）")
    if not NAME_RE.fullmatch(name):
        raise UploadError(f"{name}：文件名只能用文字、数字、点和横线，且不能以点开头")
    if size is not None and size > max_bytes:
        raise UploadError(f"{name}：文件太大（{_megabytes(size)}），上限是 {_megabytes(max_bytes)}")
    return name


def add_file(engine: Engine, name: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> Added:
    """Store `data` as seeds/NAME.txt or corpus/NAME.jsonl, build and reload; on any failure the folders and the
    served index stay as they were. Runs for seconds: call it off the event loop."""
    name = check_name(name, max_bytes, len(data))
    text = _utf8(name, data)
    if engine.corpus_dir is None:
        raise UploadError(f"{name}：这个机器人的语料不在文件夹里，不能添加文件")
    if name.endswith(".jsonl"):
        articles = _check_corpus_file(name, text)
        with _kept(engine.corpus_dir / name):
            atomic_write(engine.corpus_dir / name, data)
            report = _reload(engine)
        return Added(name, articles, None, report)
    seeds_dir = engine.seeds_dir or engine.corpus_dir.parent / "seeds"
    built = engine.corpus_dir / f"{Path(name).stem}.jsonl"
    with _kept(seeds_dir / name), _kept(built):
        atomic_write(seeds_dir / name, data)
        built.unlink(missing_ok=True)  # a page sent again replaces what was built from the old one
        try:
            build = next(r for r in build_corpus(seeds_dir, engine.corpus_dir, only_missing=True) if r.source == name)
        except OSError as exc:
            raise UploadError(f"{name}：写不进 {exc.filename or engine.corpus_dir}：{describe(exc)}") from exc
        except CorpusError as exc:
            raise UploadError(str(exc)) from exc
        if build.articles == 0:
            raise UploadError(f"{name}：没有找到文章（需要标题行和正文段落），没有添加")
        report = _reload(engine)
    return Added(name, build.articles, build, report)


def _utf8(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise UploadError(f"{name}, line {line}: 不是 UTF-8 编码的文本；请另存为 UTF-8 再发") from None


def _check_corpus_file(name: str, text: str) -> int:
    """Every line a valid article, checked in a scratch folder under the same name, before corpus/ is touched."""
    with tempfile.TemporaryDirectory(prefix="newsqa-upload-") as scratch:
        path = Path(scratch) / name
        path.write_text(text, encoding="utf-8")
        try:
            articles = read_corpus_file(path)
        except CorpusError as exc:
            where = f"{name}, line {exc.line}" if exc.line else name
            raise UploadError(f"{where}: {exc.problem}") from None
    if not articles:
        raise UploadError(f"{name}：没有一篇文章，没有添加")
    return len(articles)


def _reload(engine: Engine) -> ReloadReport:
    try:
        return engine.reload()
    except CorpusError as exc:  # e.g. an id another file already uses: the old index is still served
        raise UploadError(str(exc)) from exc


class _kept:
    """Remember a file's bytes (or its absence) and put them back if the block fails: nothing half-added stays."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.before: bytes | None = path.read_bytes()
        except FileNotFoundError:
            self.before = None
        except OSError as exc:
            raise UploadError(f"{path}：{describe(exc)}") from exc

    def __enter__(self) -> "_kept":
        return self

    def __exit__(self, kind, exc, trace) -> None:
        if kind is None:
            return
        if self.before is None:
            self.path.unlink(missing_ok=True)
        else:
            atomic_write(self.path, self.before)
        if isinstance(exc, OSError) and not isinstance(exc, UploadError):
            raise UploadError(f"{self.path}：{describe(exc)}") from exc


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
