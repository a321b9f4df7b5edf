"""The builder on real pages of other papers (tests/pages/, see SOURCES.md there) and the layout rules behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import parse_seed
from bot.layout import DATELINE_RE, dateline_parts, page_items
from bot.pages import Papers

PAGES = Path(__file__).resolve().parent / "pages"

# page → (headline, byline, paper, date, page) of every article, as a reader would name them.
EXPECTED = {
    "chuzhou-ribao-2020-06-11-a07.txt": [("杨郢乡别具一格促生产", "湛承兵 王 群", "", "2020-06-11", "A07")],
    "dongying-jiubao-1994-02-01-p01.txt": [("石村撤乡设镇", "记者 徐教连", "", "1994-02-01", "01")],
    "jinri-wucheng-2010-01-27.txt": [("新年三下乡 温暖城乡人", "记者 月映红", "", "2010-01-27", "")],
    "qianjiang-wanbao-2010-12-31-e0004.txt": [("这个“ ” 好“坚强”", "", "钱江晚报", "2010-12-31", "E0004")],
    "qingxu-2013-02-06-a1.txt": [("我县蝉联“山西省文化强县”荣誉称号", "小杰", "", "2013-02-06", "A1")],
    "wenweipo-hk-2015-08-10-a26.txt": [  # the first article's headline is cut off the excerpt: its sub-headline names it
        ("籲理性思考能源政策", "", "香港文匯報", "2015-08-10", "A26"),
        ("逾千兩岸青年共話創業", "記者蘇榕蓉福州報道", "香港文匯報", "2015-08-10", "A26")],
    "xinmin-wanbao-2007-08-04.txt": [
        ("被砍城管队员伤情牵动众人心", "见习记者 乐梦融 特约通讯员 王爱东 实习生 杨路遥", "", "2007-08-04", "")],
    "xinyang-ribao-2014-11-17.txt": [("省市知名作家到商城县采风", "商 闻", "", "2014-11-17", ""),
                                     ("潢川整治非法载客营运三轮车成效显著", "邬 盛", "", "2014-11-17", "")],
    "zhangzi-county-2023-issue1886-p2.txt": [("要闻简报", "", "", "", "2")],
    "dangdai-ribao-hangzhou-1951-09-26.txt": [("黑板报", "", "", "1951-09-26", ""),
                                              ("当代日报", "", "当代日报", "1951-09-26", "")],  # after 知识出处
    "zhoushan-wanbao-2025-12-18-p02.txt": [  # the column's name 我与晚报的故事 tops the stack: a kicker
        ("那些年,我的青春和晚报紧紧相连", "", "舟山晚报", "2025-12-18", "02")],
    "loudi-guangbodianshibao-2024-06-06-p1.txt": [  # a flip-book summary line: masthead, teasers, lead story
        ("本期导读", "", "娄底广播电视报", "2024-06-06", "1"),
        ("汇聚青春正能量 无偿献血传爱心", "", "娄底广播电视报", "2024-06-06", "1")],
}


def _build(name: str):
    return parse_seed((PAGES / name).read_text(encoding="utf-8"), name, Papers({}, {}).for_file(name))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_development_page_gives_its_articles_headlines_and_bylines(name):
    articles, report = _build(name)
    assert [(a.title, a.byline, a.paper, a.date, a.page) for a in articles] == EXPECTED[name]
    assert report.articles == len(articles) and len(report.found) == len(articles)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_page_header_or_record_field_is_left_in_the_text(name):
    articles, _ = _build(name)
    for article in articles:
        for marker in ("星期", "第A", "【", "责任编辑", "版面设计", "阅读次数", "知识类型", "唯一号", "数字报纸",
                       "出版物号", "邮发代号", "主管", "人民号"):
            assert marker not in article.text and marker not in article.title, (article.title, marker)


def test_every_sentence_of_a_page_survives_the_build():
    """Each 。-ended sentence of the prose pages is found whole in one article (spaces aside)."""
    for name in ("chuzhou-ribao-2020-06-11-a07.txt", "xinyang-ribao-2014-11-17.txt", "jinri-wucheng-2010-01-27.txt",
                 "dongying-jiubao-1994-02-01-p01.txt", "zhangzi-county-2023-issue1886-p2.txt"):
        articles, _ = _build(name)
        text = "".join(a.text.replace("\n", "").replace(" ", "") for a in articles)
        raw = (PAGES / name).read_text(encoding="utf-8").replace("\n", "").replace(" ", "")
        for sentence in raw.split("。")[1:-1]:
            core = sentence[-12:]
            if core and "】" not in core:
                assert core in text, (name, core)


def test_a_flattened_pdf_page_loses_the_spaces_inside_words_and_splits_at_headlines():
    articles, _ = _build("wenweipo-hk-2015-08-10-a26.txt")
    assert "要理性思考能源政策,若能源無法穩定供應" in articles[0].text
    assert articles[1].text.startswith("以「青年攜手青春圓夢")
    assert articles[0].dateline == "香港文匯報訊"


@pytest.mark.parametrize("line, dateline, byline", [
    ("本报讯(商 闻)近日,省市知名作家", "本报讯", "商 闻"),
    ("本报讯 今年以来,江淮少雨", "本报讯", ""),
    ("本报讯近日,我县通过复查", "本报讯", ""),
    ("【本报讯】近日,全市启动", "本报讯", ""),
    ("本报讯 (赵叶舟)近日", "本报讯", "赵叶舟"),
    ("香港文匯報訊(記者 蘇榕蓉 福州報道)以", "香港文匯報訊", "記者 蘇榕蓉 福州報道"),
    ("株洲日报·掌上株洲讯(记者/任远) 12月8日", "株洲日报·掌上株洲讯", "记者/任远"),
    ("(记者陈岸明、李华)昨日", "", "记者陈岸明、李华"),
])
def test_datelines_and_bylines_in_their_printed_forms(line, dateline, byline):
    match = DATELINE_RE.match(line)
    assert match is not None and dateline_parts(match) == (dateline, byline)


@pytest.mark.parametrize("byline_line", ["本报记者 何黄彪", "□晚报记者 高琳琳", "N本报记者 施建华 黄启鹏 文/图", "□融媒记者 颜元滔"])
def test_a_byline_on_its_own_line_is_the_articles_byline_not_its_headline(byline_line):
    articles, _ = parse_seed(f"城东新建三所学校\n\n{byline_line}\n\n城东区今年新建学校3所,总投资4.5亿元。\n", "p.txt")
    assert [a.title for a in articles] == ["城东新建三所学校"]
    assert byline_line not in articles[0].text


def test_lines_of_a_block_split_at_headlines_and_indented_paragraphs_and_join_broken_lines():
    raw = "新年三下乡 温暖城乡人\n小月跑城事\n“三送”活动由市委宣传部主办,市、区两级部门为汤溪镇农民送去了年画\n、春联上千份。\n    副区长姜能也到活动现场。\n"
    items = page_items(raw, {})
    assert items == ["新年三下乡 温暖城乡人", "小月跑城事", "“三送”活动由市委宣传部主办,市、区两级部门为汤溪镇农民送去了年画、春联上千份。",
                     "副区长姜能也到活动现场。"]


def test_continued_to_another_page_is_cut_from_the_text_and_a_piece_continued_here_is_named_by_its_head():
    raw = ("株洲日报 2021年12月1日 A1版\n\n城东新建三所学校\n\n本报讯(记者/李四) 城东区今年新建学校3所,总投资\n\n下转A3版▶▶\n\n"
           "株洲日报 2021年12月1日 A3版\n\n◀◀ 上接A1版\n\n4.5亿元,新增学位5400个。\n")
    articles, report = parse_seed(raw, "p.txt")
    assert [(a.title, a.page, a.continues) for a in articles] == [("城东新建三所学校", "A1", ""),
                                                                  ("城东新建三所学校", "A3", "A1")]
    assert articles[0].text == "城东区今年新建学校3所,总投资" and articles[1].text == "4.5亿元,新增学位5400个。"
    assert report.continuation_pieces == 1


@pytest.mark.parametrize("line, title, byline", [
    ("石村撤乡设镇 本报讯(记者 徐教连)近日,经小政府批准,广饶县石村撤乡设镇。", "石村撤乡设镇", "记者 徐教连"),
    ("株洲市档案学会 昨成立本报讯 昨天上午,株洲市档案学会成立。", "株洲市档案学会 昨成立", ""),
    ("逾千兩岸青年共話創業 香港文匯報訊(記者 蘇榕蓉 福州報道)以「青年攜手」為主題的峰會昨日開幕。", "逾千兩岸青年共話創業",
     "記者 蘇榕蓉 福州報道"),
])
def test_a_headline_run_into_the_first_line_of_its_article_is_split_off(line, title, byline):
    (article,) = parse_seed(line + "\n", "p.txt")[0]
    assert (article.title, article.byline) == (title, byline)
    assert not article.text.startswith(title.split()[0])


def test_photo_captions_are_kept_apart_and_the_article_runs_on_past_them():
    raw = ("城东新建三所学校\n\n本报讯(记者/李四) 城东区今年新建学校3所,总投资\n\n图为新建的城东小学。\n\n4.5亿元,新增学位5400个。\n\n"
           "芦淞区道路恢复通行\n\n本报讯(记者/王五) 芦淞区道路已恢复通行。\n\n▲抢修现场(王五 摄)\n")
    articles, _ = parse_seed(raw, "p.txt")
    assert [(a.title, a.text) for a in articles] == [
        ("城东新建三所学校", "城东区今年新建学校3所,总投资4.5亿元,新增学位5400个。"),
        ("图片说明", "图为新建的城东小学。\n▲抢修现场(王五 摄)"),
        ("芦淞区道路恢复通行", "芦淞区道路已恢复通行。")]


@pytest.mark.parametrize("text, byline, lead", [
    ("记者缪鲁报道 近日,城东区新建学校3所。", "记者缪鲁报道", "近日,"),
    ("本报讯 记者缪鲁报道:近日,城东区新建学校3所。", "记者缪鲁报道", "近日,"),
    ("本报讯 记者 张三 近日,城东区新建学校3所。", "记者 张三", "近日,"),
    ("本报讯 记者从市卫健委获悉,城东区新建学校3所。", "", "记者从市卫健委获悉"),  # a reporter, not a byline
])
def test_a_byline_opening_the_text_without_brackets(text, byline, lead):
    (article,) = parse_seed(f"城东新建三所学校\n\n{text}\n", "p.txt")[0]
    assert article.byline == byline and article.text.startswith(lead)


def test_a_whole_issue_run_together_on_one_line_is_cut_into_its_articles():
    line = ("株洲市档案学会昨成立 蔡振武杨英杰共同揭牌 本报讯(记者 何春林)昨天上午,株洲市档案学会成立。省档案馆副馆长、"
            "省档案学会理事长蔡振武共同揭牌。档案事业是党和国家事业的重要组成部分。 轨博会下周在株举行 本报讯(记者 任远)"
            "12月8日至11日,2021中国国际轨道交通和装备制造产业博览会将在株洲举行。 展会规模创新高 本届轨博会展览面积4万平方米。")
    articles, _ = parse_seed(line + "\n", "issue.txt")
    assert [a.title for a in articles] == ["株洲市档案学会昨成立 蔡振武杨英杰共同揭牌", "轨博会下周在株举行"]
    assert articles[0].text.startswith("昨天上午,株洲市档案学会成立。") and "轨博会" not in articles[0].text
    assert articles[1].paragraphs == ["12月8日至11日,2021中国国际轨道交通和装备制造产业博览会将在株洲举行。", "展会规模创新高",
                                      "本届轨博会展览面积4万平方米。"]


def test_a_flip_book_summary_line_gives_the_teasers_apart_and_the_lead_story_under_its_headline():
    articles, report = _build("loudi-guangbodianshibao-2024-06-06-p1.txt")
    teasers, story = articles
    # printed twice (in the summary line and as the page's own lines): listed once, in page order
    assert teasers.paragraphs == ["3版 第十三届中部博览会娄底签约项目12个", "7版 娄底中院公布五起环境资源审判典型案例",
                                  "9版 4家材料谷企业产品成首届湖南名品"]
    assert story.text.startswith("6月4日,“为梦护航·爱在娄底”——2024娄底市第二十届爱心送考活动启动仪式举行。")
    assert "视频号" not in story.text + story.kicker and "广播电视报" not in story.text


def test_run_together_masthead_teasers_and_story_of_another_paper():
    line = ("手机报 客户端江 城 晚 报国内统一连续出版物号:CN 42-0099 邮发代号:37-12第 5 期 总第900期 2023年3月2日 星期四"
            " 江城日报社主办2版市民公园春季开放5版老城改造启动春风化雨润万家 春潮涌动暖人心3月1日,我市春季招聘会在会展中心举行,"
            "200多家企业提供岗位5000余个。")
    articles, _ = parse_seed(f"江城晚报 2023年3月2日 第1版\n{line}\n\n第1页\n\n江 城 晚 报\n\n2版\n\n市民公园春季开放\n\n12\n",
                             "jiangcheng.txt")
    assert [(a.title, a.date) for a in articles] == [("本期导读", "2023-03-02"), ("春风化雨润万家 春潮涌动暖人心", "2023-03-02")]
    assert articles[0].paragraphs == ["2版 市民公园春季开放", "5版 老城改造启动"]
    assert articles[1].text == "3月1日,我市春季招聘会在会展中心举行,200多家企业提供岗位5000余个。"


def test_a_short_column_name_over_the_headline_is_not_the_headline():
    page = "营商视窗\n\n我市“一网通办”再提速,百项事项掌上办\n\n本报讯(记者 李明)昨日,市政务服务中心宣布新增一百项掌上办事项。\n"
    (article,), _ = parse_seed(page, "column.txt")
    assert (article.title, article.kicker) == ("我市“一网通办”再提速,百项事项掌上办", "营商视窗")
    (article,), _ = parse_seed(page.replace("营商视窗\n\n", ""), "plain.txt")
    assert article.title == "我市“一网通办”再提速,百项事项掌上办"


def test_a_sentence_opening_with_a_date_and_an_issue_is_not_a_masthead():
    line = ("2021年12月1日,第5期青年干部培训班在市委党校开班,由市委组织部主办,为期一周。培训班邀请专家授课,内容涵盖"
            "政策理论、基层治理和应急管理等方面,学员们表示收获很大,将把所学用到工作中去。")
    (article,), _ = parse_seed(f"培训班开班\n{line}\n", "sentence.txt")
    assert (article.title, article.text) == ("培训班开班", line)


def test_a_summary_cut_off_with_dots_gives_way_to_the_page_that_prints_the_story_whole():
    story = ("6月4日,第二十届爱心送考活动启动仪式举行。参与本次公益活动的各单位、出租车爱心司机再次为爱集结。"
             "流动接送,即考生凭准考证随时免费乘坐贴有标志的出租车。今年共有500辆出租车参与。")
    summary = ("人民号 百家号 江城电视报国内统一连续出版物号:CN 43-0043/07 邮发代号:41-124第 23 期 2024年6月6日 星期四"
               f" 江城广播电视台主办3版签约项目12个汇聚青春正能量 无偿献血传爱心{story[:60]}...")
    page = f"{summary}\n第1页\n\n3版\n\n签约项目12个\n\n汇聚青春正能量 无偿献血传爱心\n\n{story}\n"
    articles, report = parse_seed(page, "jiangcheng-2024-06-06-p1.txt")
    assert [(a.title, a.text) for a in articles] == [("本期导读", "3版 签约项目12个"), ("汇聚青春正能量 无偿献血传爱心", story)]
    assert report.repeats_dropped == 1
