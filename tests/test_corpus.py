"""The corpus: building articles from the raw seed page and from small pages of our own, and reading corpus files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.corpus import (
    CONTINUATION_RE, DATELINE_RE, Article, CorpusError, load_corpus, parse_seed, read_corpus_file, write_corpus_file,
)
from bot.pages import Papers
from bot.text import normalize, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_2164a063d2e08902.txt"

EXPECTED_TITLES = [
    "以高质量调研成果 助推经济社会发展",
    "株洲市档案学会 昨成立",
    "2021 轨博会下周在株举行",
    "市县组织部门 走访慰问 向株洲籍院士 送关爱",
    "株洲新模式 获省食安办通报表扬",
    "市资规局原局长蒋开建 被“双开”",
    "70个项目亮相 800多家企业参展",
    "领跑全市!天元区园区实现“竣工即交证”",
    "温州聋人夫妻 20分钟办结参保业务",
    "“长制久清” 恶补短板",  # the piece continued from A1 (◀◀ 上接A1版), named by its sub-headline
    "加快“五好”园区建设 勇当主力军排头兵",
    "干在实处走在前列 加快建设“新三区”",
    "全市累计完成疫苗接种 超641万剂次",
    "天台小学:党建引领志愿服务",
    "下列证件 声明作废",
]


@pytest.fixture(scope="module")
def seed_build():
    return parse_seed(SEED.read_text(encoding="utf-8"), SEED.name)


@pytest.fixture(scope="module")
def by_title(seed_build) -> dict[str, Article]:
    articles, _ = seed_build
    return {a.title: a for a in articles}


# ---------------------------------------------------------------- the seed page

def test_seed_gives_fifteen_articles_with_their_headlines_in_page_order(seed_build):
    articles, _ = seed_build
    assert [a.title for a in articles] == EXPECTED_TITLES
    assert len({a.id for a in articles}) == len(articles)
    assert all(a.source == SEED.name for a in articles)


def test_kickers_and_decks_are_kept_apart_from_the_main_headline(by_title):
    assert by_title["70个项目亮相 800多家企业参展"].kicker == "2021 轨博会采取线上线下结合,活动丰富亮点多"
    assert by_title["株洲新模式 获省食安办通报表扬"].kicker == "行刑衔接,严打食药安全违法行为"
    assert by_title["领跑全市!天元区园区实现“竣工即交证”"].kicker == "营商环境优化年"
    assert by_title["温州聋人夫妻 20分钟办结参保业务"].kicker == "芦淞区政务服务中心“跨省通办”"
    assert "株洲高新区:" in by_title["加快“五好”园区建设 勇当主力军排头兵"].kicker
    assert by_title["干在实处走在前列 加快建设“新三区”"].kicker == "株洲经开区:"


def test_bylines_and_datelines_leave_the_text(by_title):
    rail = by_title["2021 轨博会下周在株举行"]
    assert rail.byline == "记者/任远"
    assert rail.dateline == "株洲日报·掌上株洲讯"
    assert rail.text.startswith("12月8日至11日,2021中国国际轨道交通")
    assert by_title["70个项目亮相 800多家企业参展"].byline == "记者/任远"
    assert by_title["全市累计完成疫苗接种 超641万剂次"].byline == "记者/刘琼 实习生/欧阳晨溪 通讯员/朱卫健"
    assert by_title["“长制久清” 恶补短板"].byline == ""
    for article in by_title.values():
        assert "掌上株洲讯" not in article.text


def test_continuation_piece_is_an_article_of_its_own(by_title):
    piece = by_title["“长制久清” 恶补短板"]
    assert piece.paragraphs[0].startswith("“三个月攻坚期内")
    assert "“长制久清” 恶补短板" in piece.paragraphs  # its sub-headline stays a paragraph
    assert piece.continues == "A1" and "上接" not in piece.text  # cited 《“长制久清” 恶补短板》(接A1版)


def test_legal_notice_is_the_last_article(seed_build):
    articles, _ = seed_build
    notice = articles[-1]
    assert notice.title == "下列证件 声明作废"
    assert notice.paragraphs == ["·中国南方航空动力机械公司大兴机械厂遗失 4302001001708 号营业执照正、副本"]


@pytest.mark.parametrize("title, joined, stray_start", [
    ("70个项目亮相 800多家企业参展", "主题省活动、10场市场化配套活动", "动、10场"),
    ("领跑全市!天元区园区实现“竣工即交证”", "11月22日,市区两级部门开启了联席会议", "区两级部门开启"),
    ("“长制久清” 恶补短板", "对月度整改任务未完成的", "整改任务未完成"),
    ("干在实处走在前列 加快建设“新三区”", "走在前列,勇敢地闯、大胆地创", "敢地闯"),
])
def test_lines_broken_mid_sentence_are_joined(by_title, title, joined, stray_start):
    article = by_title[title]
    assert joined in article.text
    assert not any(p.startswith(stray_start) for a in by_title.values() for p in a.paragraphs)


@pytest.mark.parametrize("fragment, title", [
    ("小志愿者们组成环保卫士", "天台小学:党建引领志愿服务"),
    ("化三大攻坚战", "干在实处走在前列 加快建设“新三区”"),
    ("“文章,加快构建“3+3+2”现代产业体系", "加快“五好”园区建设 勇当主力军排头兵"),
    ("与此同时,一场彻底的“摸家底”行动", "“长制久清” 恶补短板"),
    ("“奥密克戎”变异株的危害性", "全市累计完成疫苗接种 超641万剂次"),
])
def test_jumped_column_fragments_reach_their_article(by_title, fragment, title):
    holders = [a.title for a in by_title.values() if fragment in a.text]
    assert holders == [title]


def test_jumped_fragments_continue_the_sentence_they_finish(by_title):
    assert "教师志愿者带领小志愿者们组成环保卫士" in by_title["天台小学:党建引领志愿服务"].text
    assert "产业技术智能化三大攻坚战" in by_title["干在实处走在前列 加快建设“新三区”"].text


def test_no_sentence_is_printed_twice(seed_build):
    articles, _ = seed_build
    counts = Counter(s for a in articles for p in a.paragraphs for s in split_sentences(p) if len(s) >= 15)
    assert [s for s, n in counts.items() if n > 1] == []
    # the page prints this passage twice, once after "走在" where it does not belong
    assert sum(a.text.count("加快云龙大数据产业园、株洲北斗产业园") for a in articles) == 1


def test_no_text_of_the_page_is_lost(seed_build):
    articles, _ = seed_build
    everything = "\n".join(f"{a.title}\n{a.kicker}\n{a.text}" for a in articles)
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = normalize(line)
        if match := DATELINE_RE.match(line):
            line = line[match.end():]
        if line and not CONTINUATION_RE.match(line):
            assert line[:12] in everything


def test_build_report_counts_the_repairs(seed_build):
    articles, report = seed_build
    assert report.articles == len(articles) == 15
    assert report.lines_rejoined == 8
    assert report.fragments_moved == 5
    assert report.repeats_dropped == 1
    assert report.repeated_chars > 100
    assert report.continuation_pieces == 1
    assert report.stray_latin == ["and"]
    assert report.lines()[0] == f"{SEED.name}: 15 articles"


def test_newsqa_build_reproduces_the_committed_corpus(tmp_path, capsys):
    """Fails when the builder would change corpus/: rebuild it with `newsqa build` and commit the result."""
    assert main(["build", "--seeds", str(ROOT / "seeds"), "--corpus", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "15 articles" in printed and "repeated passages dropped: 1" in printed
    built = sorted(p.name for p in tmp_path.glob("*.jsonl"))
    assert built == sorted(p.stem + ".jsonl" for p in (ROOT / "seeds").glob("*.txt"))
    for name in built:
        assert (tmp_path / name).read_bytes() == (ROOT / "corpus" / name).read_bytes(), name


def test_build_without_seeds_folder_says_so(tmp_path, capsys):
    assert main(["build", "--seeds", str(tmp_path / "none"), "--corpus", str(tmp_path / "corpus")]) == 2
    assert "does not exist" in capsys.readouterr().err


# ---------------------------------------------------------------- small pages of our own

def _one(raw: str) -> tuple[Article, object]:
    articles, report = parse_seed(raw, "page.txt")
    assert len(articles) == 1, [a.title for a in articles]
    return articles[0], report


def test_headline_and_byline_start_an_article():
    article, _ = _one("城东新建三所学校\n\n株洲日报·掌上株洲讯(记者/李四) 城东区今年新建学校3所,总投资4.5亿元。\n\n"
                      "区教育局局长王海峰表示,新学校将于明年9月投入使用。\n")
    assert (article.title, article.byline, article.dateline) == ("城东新建三所学校", "记者/李四", "株洲日报·掌上株洲讯")
    assert article.paragraphs == ["城东区今年新建学校3所,总投资4.5亿元。", "区教育局局长王海峰表示,新学校将于明年9月投入使用。"]
    assert article.id == "page-001" and article.source == "page.txt"


def test_full_width_punctuation_and_windows_line_ends_are_normalised():
    article, _ = _one("城东新建三所学校\r\n\r\n本报讯（记者　李四）城东区今年新建学校3所，总投资4.5亿元。\r\n")
    assert (article.byline, article.dateline) == ("记者 李四", "本报讯")
    assert article.text == "城东区今年新建学校3所,总投资4.5亿元。"


@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_line_broken_mid_sentence_is_joined_and_counted(gap):
    article, report = _one("株洲图书馆延长开放时间\n\n株洲日报·掌上株洲讯(记者/王五) 从12月1日起,株洲市图书馆每天开放至"
                           f"晚上9点,方便市{gap}民下班后借阅图书。\n\n馆长刘芳说,去年全馆接待读者86万人次。\n")
    assert article.paragraphs == ["从12月1日起,株洲市图书馆每天开放至晚上9点,方便市民下班后借阅图书。",
                                  "馆长刘芳说,去年全馆接待读者86万人次。"]
    assert report.lines_rejoined == 1


def test_short_opening_paragraph_broken_mid_word_is_joined_not_taken_for_a_sub_headline():
    article, report = _one("株洲植物园 樱花节开幕\n\n株洲日报·掌上株洲讯(记者/孙八) 樱花节于3月20日开幕,园内3000多株樱\n\n"
                           "花进入盛花期。\n")
    assert article.paragraphs == ["樱花节于3月20日开幕,园内3000多株樱花进入盛花期。"]
    assert report.lines_rejoined == 1


def test_sub_headline_stays_a_paragraph_while_a_short_broken_line_is_joined():
    article, _ = _one("株洲植物园 樱花节开幕\n\n株洲日报·掌上株洲讯(记者/孙八) 樱花节于3月20日开幕。\n\n园内3000多株樱\n\n"
                      "花进入盛花期。\n\n门票价格\n\n门票每张40元。\n")
    assert article.paragraphs == ["樱花节于3月20日开幕。", "园内3000多株樱花进入盛花期。", "门票价格", "门票每张40元。"]


def test_latin_words_broken_across_lines_keep_their_space():
    article, _ = _one("城东新建三所学校\n\n株洲日报·掌上株洲讯(记者/李四) 城东区今年引进Hello\nWorld公司,总投资4.5亿元。\n")
    assert "引进Hello World公司" in article.text


def test_repeated_passage_is_dropped_and_reported():
    passage = "受连日暴雨影响,芦淞区两条道路出现塌方,区住建局组织40名工人连夜抢修。"
    article, report = _one(f"暴雨过后抢修道路\n\n株洲日报·掌上株洲讯(记者/赵六) {passage}\n\n"
                           f"道路已于昨天恢复通行,沿线居民出行恢复正常秩序。{passage}\n")
    assert article.text.count(passage) == 1
    assert article.paragraphs[1] == "道路已于昨天恢复通行,沿线居民出行恢复正常秩序。"
    assert (report.repeats_dropped, report.repeated_chars) == (1, len(passage))


def test_continuation_marker_starts_an_article_of_its_own():
    articles, report = parse_seed(
        "湘江音乐节 下月开幕\n\n株洲日报·掌上株洲讯(记者/张三) 湘江音乐节将于10月5日至7日在长沙橘子洲举行。\n\n"
        "◀◀ 上接A1版\n\n主办方介绍,门票分为三档,最低80元。\n\n今年预计吸引观众12万人次。\n", "page.txt")
    assert [a.title for a in articles] == ["湘江音乐节 下月开幕", "主办方介绍"]  # no headline: its first words
    assert [a.continues for a in articles] == ["", "A1"]
    assert articles[1].paragraphs == ["主办方介绍,门票分为三档,最低80元。", "今年预计吸引观众12万人次。"]
    assert report.continuation_pieces == 1


def test_notice_after_an_article_is_an_article_of_its_own():
    articles, _ = parse_seed(
        "城东新建三所学校\n\n株洲日报·掌上株洲讯(记者/李四) 城东区今年新建学校3所,总投资4.5亿元。\n\n"
        "遗失声明\n\n·株洲市某某贸易公司遗失公章一枚,声明作废。\n", "page.txt")
    assert [a.title for a in articles] == ["城东新建三所学校", "遗失声明"]
    assert articles[1].text == "·株洲市某某贸易公司遗失公章一枚,声明作废。"


def test_blank_page_gives_no_article():
    articles, report = parse_seed("\n\n   \n", "page.txt")
    assert articles == [] and report.articles == 0


# ---------------------------------------------------------------- reading corpus files

def _write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _record(**fields) -> str:
    return json.dumps({"id": "a1", "title": "标题", "text": "第一段。\n第二段。", **fields}, ensure_ascii=False)


def test_plain_jsonl_with_id_title_text_is_enough(tmp_path):
    _write(tmp_path, "hand.jsonl", _record() + "\n" + _record(id="a2", title="另一篇") + "\n")
    articles = load_corpus(tmp_path)
    assert [(a.id, a.title) for a in articles] == [("a1", "标题"), ("a2", "另一篇")]
    assert articles[0].paragraphs == ["第一段。", "第二段。"]
    assert articles[0].source == "hand.jsonl"  # the file name when the record names none


def test_byte_order_mark_windows_line_ends_and_blank_lines_are_accepted(tmp_path):
    path = _write(tmp_path, "notepad.jsonl", b"\xef\xbb\xbf" + f"{_record()}\r\n\r\n{_record(id='a2')}\r\n".encode())
    assert [a.id for a in read_corpus_file(path)] == ["a1", "a2"]


def test_written_articles_read_back_equal(tmp_path):
    articles = [Article(id="x-1", title="标题", text="甲。\n乙。", byline="记者/张三", source="s.txt", kicker="肩题"),
                Article(id="x-2", title="另一篇", text="丙。")]
    write_corpus_file(tmp_path / "c.jsonl", articles)
    assert read_corpus_file(tmp_path / "c.jsonl") == [articles[0], Article(id="x-2", title="另一篇", text="丙。",
                                                                          source="c.jsonl")]


@pytest.mark.parametrize("bad_line, problem", [
    ('{"id": "a2", "title": "截断", "text": "没写完', "complete JSON object"),
    (b'{"id": "a2", "title": "\xe6\xa0", "text": "x"}', "UTF-8"),
    (_record(id="a2", author="张三"), "unknown field(s) author"),
    ('{"id": "a2", "text": "没有标题。"}', "'title' is missing or empty"),
    (_record(id="a2", title="  "), "'title' is missing or empty"),
    (_record(id="a2", text=""), "'text' is missing or empty"),
    (_record(id="a2", byline=3), "'byline' must be a string"),
    ('["a2", "标题", "正文"]', "JSON object"),
])
def test_bad_line_names_file_and_line(tmp_path, bad_line, problem):
    line = bad_line if isinstance(bad_line, bytes) else bad_line.encode("utf-8")
    _write(tmp_path, "good.jsonl", _record(id="g1") + "\n")
    _write(tmp_path, "hand.jsonl", (_record() + "\n\n").encode("utf-8") + line + b"\n")
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path)
    assert caught.value.path.endswith("hand.jsonl") and caught.value.line == 3
    assert "hand.jsonl, line 3: " in str(caught.value)
    assert problem in str(caught.value)


def test_duplicate_id_in_one_file_names_the_second_line(tmp_path):
    _write(tmp_path, "dup.jsonl", "\n".join([_record(), _record(id="a2", title="a1"), _record()]) + "\n")
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path)
    assert caught.value.line == 3
    assert "id 'a1' already used in dup.jsonl, line 1" in str(caught.value)


def test_duplicate_id_across_files_names_both(tmp_path):
    _write(tmp_path, "a.jsonl", _record(id="other") + "\n" + _record() + "\n")
    _write(tmp_path, "b.jsonl", _record() + "\n")
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path)
    assert str(caught.value).endswith("b.jsonl, line 1: id 'a1' already used in a.jsonl, line 2")


@pytest.mark.parametrize("setup, problem", [
    (lambda folder: None, "does not exist"),
    (lambda folder: folder.mkdir(), "no *.jsonl file"),
    (lambda folder: _write(folder, "notes.txt", _record()), "no *.jsonl file"),
    (lambda folder: _write(folder, "empty.jsonl", "\n\n"), "no article"),
])
def test_unusable_folder_is_an_error_naming_it(tmp_path, setup, problem):
    folder = tmp_path / "corpus"
    setup(folder)
    with pytest.raises(CorpusError) as caught:
        load_corpus(folder)
    assert str(folder) in str(caught.value) and problem in str(caught.value)


# ---------------------------------------------------------------- date, paper and page

def test_date_paper_and_page_load_and_read_back(tmp_path):
    _write(tmp_path, "dated.jsonl", _record(date="2021-12-01", paper="株洲日报", page="A2") + "\n")
    (article,) = load_corpus(tmp_path)
    assert (article.date, article.paper, article.page) == ("2021-12-01", "株洲日报", "A2")
    write_corpus_file(tmp_path / "again.jsonl", [article])
    assert read_corpus_file(tmp_path / "again.jsonl") == [article]


@pytest.mark.parametrize("date", ["2021/12/01", "2021年12月1日", "2021-02-30", "21-12-01"])
def test_malformed_date_names_file_and_line(tmp_path, date):
    _write(tmp_path, "dated.jsonl", _record() + "\n" + _record(id="a2", date=date) + "\n")
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path)
    assert "dated.jsonl, line 2: field 'date' must be an ISO date YYYY-MM-DD" in str(caught.value)


def test_seed_articles_carry_the_issue_date_and_the_paper_of_their_datelines(seed_build):
    articles, report = parse_seed(SEED.read_text(encoding="utf-8"), SEED.name,
                                  Papers.load(SEED.parent).for_file(SEED.name))
    assert {(a.date, a.paper) for a in articles} == {("2021-12-01", "株洲日报")}
    assert "page metadata: paper 株洲日报, date 2021-12-01" in "\n".join(report.lines())
    assert "not found: page" in "\n".join(report.lines())


def test_page_headers_in_one_file_start_pages_with_their_own_metadata():
    raw = ("株洲日报 2021年12月1日 星期三 A1版\n\n城东新建三所学校\n\n本报讯(记者/李四) 城东区今年新建学校3所,总投资4.5\n\n"
           "株洲日报 2021年12月2日 星期四 A2版\n\n亿元的项目开工\n\n本报讯(记者/王五) 芦淞区道路已恢复通行。\n")
    articles, report = parse_seed(raw, "two-pages.txt")
    assert [(a.title, a.date, a.page, a.paper) for a in articles] == [
        ("城东新建三所学校", "2021-12-01", "A1", "株洲日报"), ("亿元的项目开工", "2021-12-02", "A2", "株洲日报")]
    assert articles[0].text.endswith("总投资4.5")  # not joined with the next page's first line
    assert len(report.pages) == 2


def test_a_bad_papers_table_stops_the_build_naming_it(tmp_path, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "page.txt").write_text("标题\n\n正文。\n", encoding="utf-8")
    (seeds / "papers.toml").write_text("[papers\n", encoding="utf-8")
    assert main(["build", "--seeds", str(seeds), "--corpus", str(tmp_path / "corpus")]) == 2
    assert "papers.toml" in capsys.readouterr().err
