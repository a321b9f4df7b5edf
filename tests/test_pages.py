"""Page metadata: seed file names, the papers table, page header lines and datelines."""

from __future__ import annotations

import pytest

from bot.pages import PageMeta, Papers, PapersError, date_label, iso_date, page_label, paper_from_dateline, parse_header


@pytest.mark.parametrize("line, meta", [
    ("株洲日报 2021年12月1日 星期三 A2版", PageMeta(paper="株洲日报", date="2021-12-01", page="A2")),
    ("1951年1月7日人民日报 第1版", PageMeta(paper="人民日报", date="1951-01-07", page="1")),
    ("第A4版:时评2017年06月22日 星期四", PageMeta(date="2017-06-22", page="A4", section="时评")),
    ("2024年02月03日第A05版:要闻", PageMeta(date="2024-02-03", page="A05", section="要闻")),
    ("第A07版:魅力乡镇·健康滁州", PageMeta(page="A07", section="魅力乡镇·健康滁州")),
    ("2010年01月27日 星期三", PageMeta(date="2010-01-27")),
    ("《 舟山晚报 》( 2025年12月18日 第 02 版 )", PageMeta(paper="舟山晚报", date="2025-12-18", page="02")),
    ("《娄底广播电视报》2024.6.6", PageMeta(paper="娄底广播电视报", date="2024-06-06")),
    ("A1:清徐*要闻总第2472期 >2013-02-06编印", PageMeta(date="2013-02-06", page="A1", section="清徐*要闻")),
    ("e0004版:特刊", PageMeta(page="E0004", section="特刊")),
    ("钱江晚报 数字报纸", PageMeta(paper="钱江晚报")),
    ("刊发日期:2013-02-06 阅读次数: 作者:小杰", PageMeta(date="2013-02-06", author="小杰")),
])
def test_page_header_lines_are_metadata(line, meta):
    assert parse_header(line) == (meta, "")


def test_a_header_running_into_the_text_gives_back_the_text():
    line = "A26 中國新聞 台海新聞 責任編輯:曹思遠 2015 年 8 月 10 日(星期一) 香港文匯報訊 參選人洪秀柱昨日表示"
    meta, rest = parse_header(line)
    assert (meta.date, meta.page) == ("2015-08-10", "A26")
    assert rest == "香港文匯報訊 參選人洪秀柱昨日表示"


@pytest.mark.parametrize("line", [
    "2021年12月1日,省人民政府新闻办公室举行新闻发布会。",  # a sentence that opens with a date
    "12月8日至11日,2021中国国际轨道交通和装备制造产业博览会将在株洲举行。",
    "2021 轨博会下周在株举行",
    "株洲日报·掌上株洲讯(记者/任远) 12月8日至11日",
    "1993年完成社会总产值1.8391亿元,",
    "株洲市档案学会 昨成立",
])
def test_headlines_and_sentences_are_not_headers(line):
    assert parse_header(line) is None


@pytest.mark.parametrize("text, iso", [
    ("2021年12月1日", "2021-12-01"), ("2015 年 8 月 10 日", "2015-08-10"), ("1994.02.01", "1994-02-01"),
    ("2013-02-06", "2013-02-06"), ("2021年2月30日", ""), ("12月1日", ""),
])
def test_dates_in_their_printed_forms(text, iso):
    assert iso_date(text) == iso


def test_labels_for_citations():
    assert [page_label(p) for p in ("A2", "3", "02", "第3版", "")] == ["A2版", "第3版", "第2版", "第3版", ""]
    assert date_label("2021-12-01") == "2021年12月1日"


def test_datelines_name_the_paper():
    assert paper_from_dateline("株洲日报·掌上株洲讯") == "株洲日报"
    assert paper_from_dateline("香港文匯報訊") == "香港文匯報"
    assert paper_from_dateline("本报讯") == ""


def test_file_names_give_paper_date_and_page(tmp_path):
    (tmp_path / "papers.toml").write_text('[papers]\nzzrb = "株洲日报"\n\n[files."scan 7.txt"]\npaper = "zzrb"\n'
                                          'date = "2021-11-30"\npage = "A3"\n', encoding="utf-8")
    papers = Papers.load(tmp_path)
    assert papers.for_file("zzrb-2021-12-01-A2.txt") == (PageMeta("株洲日报", "2021-12-01", "A2"), "file name")
    assert papers.for_file("zzrb-2021-12-01.txt")[0] == PageMeta("株洲日报", "2021-12-01", "")
    meta, origin = papers.for_file("chuzhou-ribao-2020-06-11-a07.txt")
    assert meta == PageMeta("", "2020-06-11", "A07") and "code chuzhou-ribao not in papers.toml" in origin
    assert papers.for_file("scan 7.txt") == (PageMeta("株洲日报", "2021-11-30", "A3"), "papers.toml [files]")
    assert papers.for_file("notes.txt") == (PageMeta(), "")


@pytest.mark.parametrize("content, problem", [
    ('[papers\nzzrb = "株洲日报"\n', "line 1"),
    ('[files."a.txt"]\ndate = "2021/12/01"\n', "date must be YYYY-MM-DD"),
])
def test_a_bad_papers_table_is_named(tmp_path, content, problem):
    (tmp_path / "papers.toml").write_text(content, encoding="utf-8")
    with pytest.raises(PapersError) as caught:
        Papers.load(tmp_path)
    assert "papers.toml" in str(caught.value) and problem in str(caught.value)
