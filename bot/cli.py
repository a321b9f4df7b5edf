"""The `newsqa` command: build, console, ask, eval, train, telegram, bench. The composition root of the package."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .corpus import CorpusError, build_corpus
from .files import describe
from .settings import Settings, SettingsError


def _engine(args, settings: Settings, model=None):
    from .engine import Engine

    corpus = Path(args.corpus) if getattr(args, "corpus", None) else settings.corpus_dir
    return Engine.from_corpus(corpus, settings.seeds_for(corpus), model)


def cmd_build(args, settings: Settings) -> int:
    corpus = Path(args.corpus) if args.corpus else settings.corpus_dir
    seeds = Path(args.seeds) if args.seeds else settings.seeds_for(corpus)
    if not seeds.is_dir():
        print(f"seeds folder {seeds} does not exist", file=sys.stderr)
        return 2
    try:
        reports = build_corpus(seeds, corpus)
    except OSError as exc:  # the file being written is removed whole: nothing truncated is left to trip a load
        print(f"newsqa build: {exc.filename}: {describe(exc)}", file=sys.stderr)
        return 1
    for report in reports:
        print("\n".join(report.lines()))
    print(f"wrote {len(reports)} corpus file(s) to {corpus}")
    return 0


def _stdin():
    """Standard input that turns undecodable bytes into U+FFFD instead of raising, so bad input gets a reply."""
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")
    return sys.stdin


def cmd_console(args, settings: Settings) -> int:
    from .console import run_repl
    from .feedback import FeedbackLog

    engine = _engine(args, settings)
    feedback = FeedbackLog(settings.feedback_for(engine.corpus_dir))
    return run_repl(engine, _stdin(), sys.stdout, interactive=sys.stdin.isatty(), feedback=feedback)


def cmd_ask(args, settings: Settings) -> int:
    from .console import answer_record, format_answer, run_batch
    from .replies import example_questions

    engine = _engine(args, settings)
    if args.batch:
        return run_batch(engine, _stdin(), sys.stdout)
    question = " ".join(args.question)
    result = engine.ask(question)
    if args.json:
        print(json.dumps(answer_record(question, result), ensure_ascii=False))
    else:
        example = example_questions(engine.knowledge.articles)[0] if result.declined else ""
        print(format_answer(result, example))
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from .evaluate import QuestionSetError, evaluate, load_questions
    from .feedback import load_regression_set

    from .qadata import is_qa_format, open_set, read_records

    path = Path(args.file)
    articles = None
    try:
        if not args.feedback and is_qa_format(path):  # scored as an open corpus, as ../shared/qa-data/README.md says
            articles, questions = open_set(read_records(path))
        else:
            questions = (load_regression_set if args.feedback else load_questions)(path)
    except QuestionSetError as exc:
        print(f"newsqa eval: {exc}", file=sys.stderr)
        return 2
    if articles is not None and args.corpus:
        print("newsqa eval: a qa-data file is its own corpus; --corpus does not apply", file=sys.stderr)
        return 2
    questions = questions[:args.limit] if args.limit else questions
    model = None
    if args.model:
        from .ranker import ModelError, load

        try:
            model = load(Path(args.model))
        except ModelError as exc:
            print(f"newsqa eval: {exc}", file=sys.stderr)
            return 2
    if args.baseline:
        from .baseline import Baseline

        baseline = Baseline.from_articles(articles) if articles is not None else \
            Baseline.from_corpus(Path(args.corpus) if args.corpus else settings.corpus_dir)
        ask = baseline.ask
    elif articles is not None:
        from .engine import Engine

        ask = Engine.from_articles(articles, model).ask
    else:
        ask = _engine(args, settings, model).ask
    report = evaluate(questions, ask, progress=len(questions) > 200)
    if not args.quiet:
        for miss in report.misses:
            print(miss)
            print()
    print(json.dumps(report.summary(), ensure_ascii=False))
    return 0


def cmd_telegram(args, settings: Settings) -> int:
    from .chat import run_telegram

    return run_telegram(settings)


def cmd_train(args, settings: Settings) -> int:
    from .ranker import MODEL_PATH
    from .train import SETS, SOURCES, repo_root, run

    root = Path(args.root) if args.root else repo_root()
    sets = tuple(args.sets or SETS)
    unknown = [name for name in sets if name not in SOURCES]
    missing = [SOURCES[name][0] for name in sets if name in SOURCES and not (root / SOURCES[name][0]).is_file()]
    if unknown or missing:
        print(f"newsqa train: {'unknown sets ' + ', '.join(unknown) if unknown else ''}"
              f"{'missing ' + ', '.join(missing) + ' under ' + str(root) if missing else ''} (see train/README.md)",
              file=sys.stderr)
        return 2
    cache = None if args.no_cache else Path(args.cache) if args.cache else root / ".train-cache"
    run(root, Path(args.out) if args.out else MODEL_PATH, kind=args.ranker, cache=cache, folds=not args.no_folds,
        sets=sets, decline_kind=args.decline)
    return 0


def cmd_bench(args, settings: Settings) -> int:
    from .bench import run_bench

    return run_bench(args)


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsqa", description="Answers questions about Chinese newspaper articles.")
    sub = parser.add_subparsers(dest="command")

    build = sub.add_parser("build", help="turn raw seed pages (seeds/*.txt) into corpus files (corpus/*.jsonl)")
    build.add_argument("--seeds", help="folder of raw seed pages (default seeds/ or NEWSQA_SEEDS)")
    build.add_argument("--corpus", help="folder to write corpus files to (default corpus/ or NEWSQA_CORPUS)")
    build.set_defaults(func=cmd_build)

    console = sub.add_parser("console", help="ask questions in a terminal")
    console.add_argument("--corpus", help="corpus folder (default corpus/ or NEWSQA_CORPUS)")
    console.set_defaults(func=cmd_console)

    ask = sub.add_parser("ask", help="answer one question, or one per input line with --batch")
    ask.add_argument("question", nargs="*", help="the question, in Chinese")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--batch", action="store_true", help="read questions from standard input, one JSON line out per line in")
    ask.add_argument("--corpus", help="corpus folder (default corpus/ or NEWSQA_CORPUS)")
    ask.set_defaults(func=cmd_ask)

    evaluate = sub.add_parser("eval", help="score a question set: accuracy@1, accuracy@3, no-answer precision/recall")
    evaluate.add_argument("file", help="JSONL question set (shared/eval/README.md), or a qa-data set (.jsonl[.xz]) "
                          "scored as an open corpus with half its paragraphs left out")
    evaluate.add_argument("--baseline", action="store_true", help="score plain jieba + rank-bm25 top sentence instead")
    evaluate.add_argument("--quiet", action="store_true", help="print the figures only, not each miss")
    evaluate.add_argument("--feedback", action="store_true", help="FILE is a feedback log: score its corrected 👎")
    evaluate.add_argument("--corpus", help="corpus folder (default corpus/ or NEWSQA_CORPUS)")
    evaluate.add_argument("--limit", type=_positive, metavar="N", help="score the first N questions only")
    evaluate.add_argument("--model", metavar="FILE", help="answer with this model file (newsqa train --out) instead of "
                          "the shipped one: scores a model trained without the set")
    evaluate.set_defaults(func=cmd_eval)

    telegram = sub.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    telegram.set_defaults(func=cmd_telegram)

    train = sub.add_parser("train", help="fit the answer ranker and decline model on train/, print held-out figures")
    train.add_argument("--root", help="repository holding train/, eval/, corpus/ and tests/pages/ (default this one)")
    train.add_argument("--out", help="model file to write (default bot/model/ranker.json, the one the bot loads)")
    train.add_argument("--ranker", choices=("trees", "linear"), default="trees",
                       help="LightGBM lambdarank trees (default) or scikit-learn logistic regression")
    train.add_argument("--decline", choices=("trees", "linear"), default="trees",
                       help="decline classifier: LightGBM binary trees (default) or logistic regression")
    train.add_argument("--sets", action="append", help="train on these sets only (repeat; any of bot/train.py's SOURCES; default its SETS)")
    train.add_argument("--no-folds", action="store_true", help="skip the leave-one-set-out figures (faster)")
    train.add_argument("--cache", help="folder for collected features (default .train-cache/ of the repository)")
    train.add_argument("--no-cache", action="store_true", help="collect features afresh and keep nothing")
    train.set_defaults(func=cmd_train)

    bench = sub.add_parser("bench", help="measure search speed and memory on a synthetic corpus")
    bench.add_argument("--passages", type=int, action="append", help="corpus size; repeat for several (default 10k, 100k, 1M)")
    bench.add_argument("--questions", type=int, default=200)
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument("--no-text-build", action="store_true", help="skip the first builds from raw text (jieba)")
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        if args.command is None:
            if settings.telegram_token:
                return cmd_telegram(args, settings)
            return cmd_console(args, settings)
        if args.command == "ask" and not args.batch and not args.question:
            print("newsqa ask: give a question, e.g. newsqa ask \"轨博会什么时候举行？\", or use --batch", file=sys.stderr)
            return 2
        return args.func(args, settings)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except CorpusError as exc:
        print(f"corpus error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C while the index is still loading: leave without a traceback
        return 130
