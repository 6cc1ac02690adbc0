"""Bodies as the desk writes them: pasted newspaper copy made into paragraphs, 字数."""

import pytest

from articles.markup import count_characters, normalise_body, render_markdown

PASTED = "　　第一段，记者从盟公安局获悉。\n　　第二段写道：“天气很冷。”\n### 小标题\n　　第三段。"


def test_pasted_copy_becomes_one_paragraph_a_line():
    body = normalise_body(PASTED)
    assert body == (
        "第一段，记者从盟公安局获悉。\n\n第二段写道：“天气很冷。”\n\n### 小标题\n\n第三段。"
    )
    html = render_markdown(body)
    assert html.count("<p>") == 3 and "<h3>小标题</h3>" in html


@pytest.mark.parametrize(
    "text",
    [
        "第一段。\n\n### 小标题\n\n第二段。",  # as the importer writes it
        "前文。\n\n- 列表一\n- 列表二\n  续行\n\n> 引文一\n> 引文二\n\n| 甲 | 乙 |\n| --- | --- |",
        "",
    ],
)
def test_text_already_in_form_is_unchanged(text):
    assert normalise_body(text) == text


def test_normalising_twice_changes_nothing():
    once = normalise_body(PASTED)
    assert normalise_body(once) == once


def test_characters_are_counted_as_newsrooms_count():
    assert count_characters("### 小标题\n\n**加粗**文字 [链接](https://example.cn/a) 共计。") == 12
    assert count_characters("- 一\n- 二\n\n1. 三") == 3
    assert count_characters("") == 0
