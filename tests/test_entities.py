"""LAC's names in a sentence, counted against what a question asks, and kept by the knowledge once tagged."""

from bot import entities
from bot.knowledge import build_knowledge
from conftest import SMALL_ARTICLES


def test_names_jieba_does_not_know_are_tagged():
    found = entities.tag(["乔治·华盛顿是美国第一任总统。", "",
                          "近日,湖南省农业科学院院长单杨、广西大学技术成果转化研究院院长王双飞入选中国工程院院士。"])
    assert ("乔治·华盛顿", "PER") in found[0] and ("美国", "LOC") in found[0]
    assert found[1] == ()
    assert {("单杨", "PER"), ("王双飞", "PER"), ("广西大学", "ORG")} <= set(found[2])
    assert all(label in entities.TAGS for names in found for _, label in names)


def test_asked_counts_names_of_the_asked_kind_the_question_lacks():
    names = (("刘芳", "PER"), ("株洲", "LOC"), ("区教育局", "ORG"))
    assert entities.asked(names, "person", "馆长是谁") == 1.0
    assert entities.asked(names, "person", "刘芳是谁") == 0.0  # the question names her already
    assert entities.asked(names, "place", "在哪里") == 1.0
    assert entities.asked(names, "time", "什么时候") == -1.0


def test_knowledge_tags_a_sentence_once():
    knowledge = build_knowledge(SMALL_ARTICLES)
    first = knowledge.named([0, 1, 0])
    assert first[0] == first[2] and ("长沙", "LOC") in first[0] and ("长沙市文旅局", "ORG") in first[1]
    assert set(knowledge._names) == {0, 1}
    assert knowledge.named([1]) == [first[1]]
