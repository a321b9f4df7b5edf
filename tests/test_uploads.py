"""Adding a file as an admin would from Telegram: checked, stored, built, served; a bad file changes nothing."""

from __future__ import annotations

import pytest

from bot.corpus import Article
from bot.engine import Engine
from bot.uploads import UploadError, add_file, check_name

PAGE = ("\n\n株洲新建科技馆 明年开放\n\n株洲日报·掌上株洲讯(记者/周八) 株洲市科技馆新馆主体工程昨天完工,"
        "预计明年5月1日正式对外开放。\n\n新馆建筑面积2.8万平方米,设有航空、轨道交通等8个常设展区。\n\n"
        "市民踊跃参加义务植树\n\n本报讯(记者/吴九) 3月12日,500多名市民来到神农公园参加义务植树活动,共栽下樟树苗1200棵。\n")
MUSEUM = Article(id="m-001", title="株洲博物馆 新馆开放", byline="记者/钱七",
                 text="株洲博物馆新馆于3月18日正式开放,展厅面积1.2万平方米。")


@pytest.fixture
def engine(small_corpus) -> Engine:
    return Engine.from_corpus(small_corpus, small_corpus.parent / "seeds")


def folder_state(engine: Engine) -> dict:
    root = engine.corpus_dir.parent
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file() and ".index" not in p.parts}


def test_a_page_is_stored_in_seeds_built_into_the_corpus_and_answered_from(engine):
    added = add_file(engine, "kejiguan.txt", PAGE.encode("utf-8"))
    assert added.articles == 2 and added.reload.articles == 6
    assert (engine.seeds_dir / "kejiguan.txt").read_text(encoding="utf-8") == PAGE
    assert (engine.corpus_dir / "kejiguan.jsonl").is_file()
    assert "5月1日" in engine.ask("科技馆新馆什么时候开放？").sentence


def test_a_corpus_file_is_checked_stored_and_served(engine):
    added = add_file(engine, "museum.jsonl", (MUSEUM.to_json() + "\n").encode("utf-8"))
    assert (added.articles, added.build, added.reload.articles) == (1, None, 5)
    assert "3月18日" in engine.ask("株洲博物馆新馆什么时候开放？").sentence


@pytest.mark.parametrize("name, data, message", [
    ("bad.jsonl", (MUSEUM.to_json() + '\n{"id": "x", "title": \n').encode("utf-8"), "bad.jsonl, line 2: "),
    ("latin1.txt", "第一行\n第二行\n".encode("utf-8") + "caf\xe9".encode("latin-1"), "latin1.txt, line 3: 不是 UTF-8"),
    ("empty.jsonl", b"\n\n", "empty.jsonl：没有一篇文章"),
    ("notes.txt", "只有一句话".encode("utf-8"), "notes.txt：没有找到文章"),
    ("dup.jsonl", (MUSEUM.to_json() + "\n").encode("utf-8").replace(b"m-001", b"t-001"), "t-001"),
    ("photo.png", b"\x89PNG", "只接受 .txt"),
    (".hidden.jsonl", b"{}", "文件名"),
])
def test_a_bad_file_is_refused_naming_it_and_nothing_changes(engine, name, data, message):
    before_files, before_index = folder_state(engine), engine.knowledge
    with pytest.raises(UploadError, match=message.replace(".", r"\.")):
        add_file(engine, name, data)
    assert folder_state(engine) == before_files
    assert engine.knowledge is before_index


def test_the_size_limit_is_checked_before_and_after_downloading():
    with pytest.raises(UploadError, match=r"文件太大（3\.0 MB），上限是 2\.0 MB"):
        check_name("big.txt", 2 * 1024 * 1024, 3 * 1024 * 1024)
    assert check_name("dir/../page.txt", 100, 10) == "page.txt"
