"""`newsqa bench`: search speed, build and load time and memory on a synthetic archive of N passages, side by side
with rank-bm25's full scan and bm25s. Each size runs in a fresh process, so sizes do not share memory or caches."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SIZES = (10_000, 100_000, 1_000_000)
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
ZIPF_EXPONENT = 1.05
SWAP_SHARE = 0.4  # share of a seed sentence's content words replaced by words of the synthetic vocabulary
ARTICLES_PER_FILE = 64  # one file per issue of the paper
SENTENCES_PER_PARAGRAPH = 3
RANK_BM25_BUDGET_S = 300.0  # rank-bm25 scans questions until this much time is spent (about 1 s each at 1M)
COLD_STARTS = 3
TOP = 10
BM25S_MISSING = "bm25s not installed (pip install -e '.[bench]')"


def vocabulary_size(passages: int) -> int:
    """Distinct synthetic words for an archive of this size: grows like Heaps' law, ~300k words at 1M passages."""
    return int(60 * passages ** 0.62)


@dataclass
class Synthetic:
    articles: list  # Article
    parts: tuple  # (sentences, sentence tokens, title tokens), as knowledge.passage_parts gives them
    questions: list[list[str]]  # a few content words of one passage each
    question_texts: list[str]


def synthetic_corpus(passages: int, questions: int, seed: int = 0) -> Synthetic:
    """An archive of `passages` sentences made from the seed page's sentences, with a share of their content words
    swapped for words drawn from a Zipf-distributed vocabulary that grows with the archive. Generated tokenized:
    the benchmark measures the index, not jieba."""
    from .corpus import Article, parse_seed
    from .knowledge import Sentence, learn_vocabulary, passage_parts
    from .text import Tokenizer, ends_sentence, is_content_word

    rng = np.random.default_rng(seed)
    seed_articles = [a for path in sorted(SEEDS_DIR.glob("*.txt"))
                     for a in parse_seed(path.read_text(encoding="utf-8"), path.name)[0]]
    tokenizer = Tokenizer(learn_vocabulary(seed_articles)[0])
    seed_sentences, _, _ = passage_parts(seed_articles, tokenizer)
    templates = [_template(tokenizer.words(s.text), is_content_word, ends_sentence) for s in seed_sentences]
    titles = [_template(tokenizer.words(f"{a.title} {a.kicker}"), is_content_word, lambda _: True)
              for a in seed_articles]
    lengths = np.bincount([s.article for s in seed_sentences])
    words = _synthetic_words(vocabulary_size(passages), seed_sentences, rng)
    draw = _zipf_sampler(len(words), rng)

    sentences, sentence_tokens, title_tokens, articles = [], [], [], []
    article_sizes = rng.choice(lengths[lengths > 0], size=passages)  # more than enough articles
    start = 0
    for a_index, size in enumerate(article_sizes):
        if start >= passages:
            break
        size = int(min(size, passages - start))
        title, title_words = _vary(titles[rng.integers(len(titles))], words, draw, rng)
        title_tokens.append(title_words)
        paragraphs: list[list[str]] = []
        for position in range(size):
            text, tokens = _vary(templates[rng.integers(len(templates))], words, draw, rng)
            if position % SENTENCES_PER_PARAGRAPH == 0:
                paragraphs.append([])
            paragraphs[-1].append(text)
            sentences.append(Sentence(text, a_index, len(paragraphs) - 1, position))
            sentence_tokens.append(tokens)
        source = f"issue-{a_index // ARTICLES_PER_FILE:05d}.jsonl"
        articles.append(Article(id=f"bench-{a_index:07d}", title=title.strip() or "无题", source=source,
                                text="\n".join("".join(p) for p in paragraphs), byline="记者/基准"))
        start += size
    picks = rng.choice(passages, size=questions, replace=passages < questions)
    asked = [_question(sentence_tokens[i], rng) for i in picks]
    return Synthetic(articles, (sentences, sentence_tokens, title_tokens), asked,
                     ["".join(q) + "是怎么回事？" for q in asked])


def _template(words: list[str], is_content, ends) -> tuple[list[str], np.ndarray]:
    content = np.array([i for i, w in enumerate(words) if is_content(w)], dtype=np.int64)
    if not ends("".join(words)):
        words = [*words, "。"]  # every synthetic sentence ends like one, so the article text splits back into them
    return words, content


def _vary(template, vocabulary: list[str], draw, rng) -> tuple[str, list[str]]:
    words, content = template
    words = list(words)
    swapped = content[rng.random(len(content)) < SWAP_SHARE]
    for position, rank in zip(swapped.tolist(), draw(len(swapped)).tolist()):
        words[position] = vocabulary[rank]
    return "".join(words), [words[i].lower() for i in content.tolist()]


def _synthetic_words(count: int, seed_sentences, rng) -> list[str]:
    """Two-character (then three-character) words over the seed's own Chinese characters, in random order."""
    pool = sorted({c for s in seed_sentences for c in s.text if "\u4e00" <= c <= "\u9fff"})
    pool = [pool[i] for i in rng.permutation(len(pool))]
    base = len(pool)
    result = []
    for rank in range(count):
        first, rest = divmod(rank, base * base)
        word = pool[rest // base] + pool[rest % base]
        result.append(word if first == 0 else pool[first % base] + word)
    return result


def _zipf_sampler(size: int, rng):
    cdf = np.cumsum(1.0 / np.arange(1, size + 1) ** ZIPF_EXPONENT)
    cdf /= cdf[-1]
    return lambda n: np.minimum(np.searchsorted(cdf, rng.random(n)), size - 1)


def _question(tokens: list[str], rng) -> list[str]:
    distinct = list(dict.fromkeys(tokens))
    if len(distinct) <= 2:
        return distinct
    count = int(rng.integers(2, min(4, len(distinct)) + 1))
    return [distinct[i] for i in sorted(rng.choice(len(distinct), size=count, replace=False))]


# ---------------------------------------------------------------- one size, in its own process

def measure(passages: int, questions: int, keep: bool = False, text_builds: bool = True) -> dict:
    """Every figure for one archive size (runs in a fresh process: `python -m bot.bench --size N`)."""
    from .cache import load_knowledge, seed_tokenization, wait_for_background
    from .corpus import write_corpus_file
    from .engine import Engine
    from .knowledge import passage_documents

    figures: dict = {"passages": passages, "questions": questions}
    _say(f"{passages:,} passages: generating the synthetic archive")
    synthetic = synthetic_corpus(passages, questions)
    new_file = synthetic_corpus(ARTICLES_PER_FILE * 8, 1, seed=1).articles[:ARTICLES_PER_FILE]  # a day's paper
    folder = Path(tempfile.mkdtemp(prefix="newsqa-bench-"))
    try:
        corpus_dir = folder / "corpus"
        by_file = _by_file(synthetic)
        for name, (articles, _) in by_file.items():
            write_corpus_file(corpus_dir / name, articles)
        figures.update(articles=len(synthetic.articles), files=len(by_file))
        seed_tokenization(corpus_dir, by_file)  # the archive comes tokenized: the build below is the index alone

        _say("building the newsqa index from tokens")
        started = time.perf_counter()
        knowledge = load_knowledge(corpus_dir, background=False)
        figures["build_s"] = time.perf_counter() - started
        figures["save_s"] = 0.0
        figures["vocabulary"] = len(knowledge.index.vocabulary)
        figures["learned_words"] = len(knowledge.tokenizer.user_words)
        figures["segments"] = len(knowledge.index.segments)
        figures["build_peak_rss_mb"] = peak_rss_mb()

        figures["newsqa_ms"] = _times(lambda q: knowledge.index.search(q, TOP), synthetic.questions)
        ours = [knowledge.index.search(q, TOP) for q in synthetic.questions]
        engine = Engine(knowledge, corpus_dir)
        figures["ask_ms"] = _times(engine.ask, synthetic.question_texts)
        # the same words asked as 是谁: a question asking for a name has its candidates tagged by LAC (bot/entities.py)
        who = ["".join(words) + "是谁？" for words in synthetic.questions]
        figures["ask_who_ms"] = _times(engine.ask, who)

        _say("cold starts: process start, index load, jieba, first answer")
        figures.update(_cold_starts(corpus_dir, synthetic.question_texts[0]))

        _say("adding a day's paper and reloading")
        figures.update(_add_one_file(engine, corpus_dir, new_file))
        figures["segments_after_add"] = len(engine.knowledge.index.segments)
        wait_for_background()

        docs = passage_documents(*synthetic.parts)
        del knowledge, engine, synthetic.articles, by_file
        figures.update(_rank_bm25(docs, synthetic.questions, ours))
        figures.update(_bm25s(docs, synthetic.questions))
        del docs
        if text_builds:
            figures.update(_text_builds(corpus_dir, folder))
    finally:
        if keep:
            _say(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return figures


def _by_file(synthetic: Synthetic) -> dict:
    """name -> (articles, parts with article numbers counted from 0 in each file)."""
    sentences, sentence_tokens, title_tokens = synthetic.parts
    result, cursor = {}, 0
    for number, article in enumerate(synthetic.articles):
        articles, (own, tokens, titles) = result.setdefault(article.source, ([], ([], [], [])))
        local = len(articles)
        articles.append(article)
        titles.append(title_tokens[number])
        while cursor < len(sentences) and sentences[cursor].article == number:
            own.append(dataclasses.replace(sentences[cursor], article=local))
            tokens.append(sentence_tokens[cursor])
            cursor += 1
    return result


def _add_one_file(engine, corpus_dir: Path, articles: list) -> dict:
    """Write a new corpus file (raw text: jieba tokenizes it) and time Engine.reload; check the new passages are
    found: a sentence of the new file, asked in its own words, is the top hit."""
    from .corpus import write_corpus_file

    name = "zzzz-today.jsonl"  # sorts last, as a new day's paper does
    write_corpus_file(corpus_dir / name, [dataclasses.replace(a, id=f"today-{a.id}", source=name) for a in articles])
    report = engine.reload()
    knowledge = engine.knowledge
    found = 0
    for sentence in range(len(knowledge.sentences) - 20, len(knowledge.sentences)):
        tokens = knowledge.tokenizer.tokens(knowledge.sentences[sentence].text)
        hits = knowledge.index.search(tokens, TOP)
        found += bool(hits) and knowledge.articles[knowledge.sentences[hits[0].doc].article].id.startswith("today-")
    return {"reload_s": report.seconds, "reload_found": found, "reload_checked": 20}


def _text_builds(corpus_dir: Path, folder: Path) -> dict:
    """A first build from raw text (jieba included), on one core and on all, each in a fresh process."""
    from .pool import workers

    figures = {"cores": workers()}
    for label, processes in (("text_build_1_s", 1), ("text_build_all_s", 0)):
        _say(f"building from raw text on {processes or 'all'} core(s)")
        copy = folder / f"text-{processes}"
        shutil.copytree(corpus_dir, copy, ignore=shutil.ignore_patterns(".index"))
        process = subprocess.run([sys.executable, "-m", "bot.bench", "--build-from-text", str(copy),
                                  "--processes", str(processes)], stdout=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).resolve().parent.parent)
        if process.returncode != 0:
            raise RuntimeError(f"the build from text failed with status {process.returncode}")
        figures[label] = json.loads(process.stdout)["seconds"]
        shutil.rmtree(copy, ignore_errors=True)
    return figures


def build_from_text(corpus_dir: Path, processes: int) -> dict:
    """Time a first build of corpus_dir (no saved index) with this many tokenizing processes (0: all cores)."""
    from . import pool
    from .cache import load_knowledge

    pool.MAX_PROCESSES = processes or None
    started = time.perf_counter()
    load_knowledge(corpus_dir, background=False)
    return {"seconds": time.perf_counter() - started}


def _times(run, items) -> dict:
    for item in items[:5]:
        run(item)  # warm the code paths, not the data: the same questions are timed again below
    elapsed = []
    for item in items:
        started = time.perf_counter()
        run(item)
        elapsed.append((time.perf_counter() - started) * 1000)
    return {"p50": float(np.percentile(elapsed, 50)), "p95": float(np.percentile(elapsed, 95)), "n": len(elapsed)}


def _cold_starts(corpus_dir: Path, question: str) -> dict:
    env = {**os.environ, "NEWSQA_SEEDS": str(corpus_dir / "no-seeds")}
    runs = []
    for _ in range(COLD_STARTS):
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot.bench", "--cold-start", str(corpus_dir), question],
                                   stdout=subprocess.PIPE, env=env, cwd=Path(__file__).resolve().parent.parent)
        output = process.stdout.readline()  # printed as soon as the first answer is there
        wall = time.perf_counter() - started
        status = process.wait()  # (ending the process, which frees its tables, comes after the answer: not counted)
        if status != 0:
            raise RuntimeError(f"cold start failed with status {status}")
        if json.loads(output)["rebuilt"]:
            raise RuntimeError("the cold start rebuilt the index instead of loading it: did newsqa's code change "
                               "while the benchmark ran? Run it again.")
        runs.append({**json.loads(output), "wall_s": wall})
    middle = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
    return {"cold_start_s": middle["wall_s"], "load_s": middle["load_s"], "first_answer_s": middle["answer_s"],
            "cold_start_declined": middle["declined"], "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def cold_start(corpus_dir: Path, question: str) -> dict:
    """What `newsqa ask` does, timed by part: imports, index load (with jieba ready), first answer."""
    started = time.perf_counter()
    from . import cache
    from .engine import Engine

    imported = time.perf_counter()
    built = []
    update = cache._Store.update
    cache._Store.update = lambda *args: built.append(1) or update(*args)  # a cold start must not build
    engine = Engine.from_corpus(corpus_dir)
    loaded = time.perf_counter()
    result = engine.ask(question)
    answered = time.perf_counter()
    return {"import_s": imported - started, "load_s": loaded - imported, "answer_s": answered - loaded,
            "declined": result.declined, "peak_rss_mb": peak_rss_mb(), "rebuilt": bool(built)}


def _rank_bm25(docs, questions, ours) -> dict:
    from rank_bm25 import BM25Okapi

    _say("building rank-bm25 (the definition of the scores)")
    started = time.perf_counter()
    reference = BM25Okapi(docs)  # never tokenizer=: it starts a process pool that is never closed
    build = time.perf_counter() - started
    _say(f"rank-bm25 full scans, up to {RANK_BM25_BUDGET_S:.0f} s")
    elapsed, same, spent = [], 0, 0.0
    for question, hits in zip(questions, ours):
        if spent > RANK_BM25_BUDGET_S:
            break
        started = time.perf_counter()
        scores = reference.get_scores(question)
        _top = np.argpartition(-scores, TOP)[:TOP] if len(scores) > TOP else np.arange(len(scores))
        elapsed.append((time.perf_counter() - started) * 1000)
        spent += elapsed[-1] / 1000
        same += same_top(scores, hits)
    return {"rank_bm25_build_s": build, "top10_same": same, "top10_checked": len(elapsed),
            "rank_bm25_ms": {"p50": float(np.percentile(elapsed, 50)), "n": len(elapsed)}}


def same_top(reference: np.ndarray, hits, k: int = TOP, rtol: float = 1e-6) -> bool:
    """Whether hits are rank-bm25's top k: the same scores in order, and the same documents except among ties."""
    order = np.argsort(-reference, kind="stable")[:k]
    expected = [int(d) for d in order if reference[d] > 0]
    got = [h for h in hits if h.score > 0]
    if len(got) != len(expected):
        return False
    for hit, doc in zip(got, expected):
        if not np.isclose(hit.score, reference[doc], rtol=rtol, atol=0):
            return False
        if hit.doc != doc and not np.isclose(reference[hit.doc], reference[doc], rtol=rtol, atol=0):
            return False
    return True


def _bm25s(docs, questions) -> dict:
    try:
        import bm25s
    except ImportError:
        return {"bm25s": BM25S_MISSING}
    from .retrieval import B, K1

    _say("building bm25s")
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.index(docs, show_progress=False)
    build = time.perf_counter() - started
    times = _times(lambda q: retriever.retrieve([q], k=TOP, show_progress=False), questions)
    return {"bm25s_build_s": build, "bm25s_ms": times}


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: after fork and exec, ru_maxrss still counts the
    parent's memory the child was forked with."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the command

def run_bench(args) -> int:
    """newsqa bench: one fresh process per size, then one table (or JSON) of every figure side by side."""
    results = []
    for passages in args.passages or SIZES:
        process = subprocess.run([sys.executable, "-m", "bot.bench", "--size", str(passages),
                                  "--questions", str(args.questions)]
                                 + (["--no-text-build"] if getattr(args, "no_text_build", False) else []),
                                 stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
        if process.returncode != 0:
            print(f"bench at {passages:,} passages failed (exit status {process.returncode})", file=sys.stderr)
            return 1
        results.append(json.loads(process.stdout.strip().splitlines()[-1]))
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


def table(results: list[dict]) -> str:
    """The figures side by side, one row per size, with the ratios against the plain approach (rank-bm25)."""
    header = ["passages", "segments", "newsqa p50", "p95", "ask p50", "who p50", "rank-bm25 p50", "bm25s p50",
              "vs rank-bm25", "vs bm25s", "top-10 same", "build", "add 1 file", "rank-bm25 rebuild", "vs rebuild",
              "cold start", "text build 1 core", "all cores", "peak RSS"]
    rows = []
    for r in results:
        ours = r["newsqa_ms"]["p50"]
        scan = r["rank_bm25_ms"]
        peer = r.get("bm25s_ms")
        text = "text_build_1_s" in r
        rows.append([
            f"{r['passages']:,}", str(r.get("segments", "-")), _ms(ours), _ms(r["newsqa_ms"]["p95"]),
            _ms(r["ask_ms"]["p50"]), _ms(r["ask_who_ms"]["p50"]) if "ask_who_ms" in r else "-",
            _ms(scan["p50"]) + ("" if scan["n"] == r["questions"] else f" ({scan['n']} q)"),
            _ms(peer["p50"]) if peer else "-", f"{scan['p50'] / ours:,.0f}×", f"{peer['p50'] / ours:,.1f}×" if peer else "-",
            f"{r['top10_same']}/{r['top10_checked']}", f"{r['build_s'] + r['save_s']:.1f} s",
            f"{r['reload_s']:.2f} s ({r['reload_found']}/{r['reload_checked']})", f"{r['rank_bm25_build_s']:.1f} s",
            f"{r['rank_bm25_build_s'] / r['reload_s']:,.1f}×", f"{r['cold_start_s']:.2f} s",
            f"{r['text_build_1_s']:.1f} s" if text else "-",
            f"{r['text_build_all_s']:.1f} s ({r['cores']}, {r['text_build_1_s'] / r['text_build_all_s']:.2f}×)" if text else "-",
            f"{r['peak_rss_mb']:,.0f} MB",
        ])
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    notes = [
        "newsqa/rank-bm25/bm25s p50: one question's top-10 search over the passages, the same token lists for all three;",
        "ask p50: a whole answer (question, search, features, model); who p50: the same words asked 是谁, whose candidates",
        "LAC tags for names (bot/entities.py), each sentence the first time; build: the segments from tokens; add 1 file: a day's",
        "paper (64 articles, raw text) added and Engine.reload (its new passages found as top hit, of 20 tried); rank-bm25",
        "rebuild: BM25Okapi over the whole archive, the plain approach's only way to add a file; cold start: process start",
        "to first answer (median of 3); text build: a first build from raw text (jieba) on 1 core and on all (cores, speed-up);",
        "peak RSS: of the cold-start process.",
    ]
    if any("bm25s" in r for r in results):
        notes.append(BM25S_MISSING)
    return "\n".join(lines + [""] + notes)


def _ms(value: float) -> str:
    return f"{value:.3g} ms" if value < 100 else f"{value:,.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench", description="one size of newsqa bench (internal)")
    parser.add_argument("--size", type=int)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--cold-start", nargs=2, metavar=("CORPUS", "QUESTION"))
    parser.add_argument("--keep", action="store_true", help="keep the synthetic corpus and its index")
    parser.add_argument("--no-text-build", action="store_true", help="skip the builds from raw text (jieba)")
    parser.add_argument("--build-from-text", metavar="CORPUS")
    parser.add_argument("--processes", type=int, default=0)
    args = parser.parse_args(argv)
    if args.cold_start:
        print(json.dumps(cold_start(Path(args.cold_start[0]), args.cold_start[1])), flush=True)
    elif args.build_from_text:
        print(json.dumps(build_from_text(Path(args.build_from_text), args.processes)))
    else:
        print(json.dumps(measure(args.size, args.questions, args.keep, not args.no_text_build)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
