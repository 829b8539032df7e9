"""Data-derived text stays inert in markdown: escaped text, code spans nothing can close early."""

from __future__ import annotations

import re

from mlgate.markdown import code_block, code_span, inert_text


def test_code_span_fence_is_longer_than_any_backtick_run_in_the_value() -> None:
    value = "a``[x](https://evil.example)``b"
    span = code_span(value)
    assert span == "``` a``[x](https://evil.example)``b ```"
    fence = re.match(r"`+", span)
    assert fence is not None
    inner = span[len(fence.group()) : -len(fence.group())]
    assert fence.group() not in inner  # CommonMark closes a span only on a run of equal length


def test_code_span_of_plain_text_and_a_single_backtick() -> None:
    assert code_span("colour") == "`colour`"
    assert code_span("a`b") == "`` a`b ``"
    assert code_span("a|b") == "`a\\|b`"  # a pipe would split a table row


def test_inert_text_escapes_links_images_and_html() -> None:
    assert inert_text("![x](http://e) <b>") == "\\!\\[x\\](http://e) \\<b\\>"


def test_code_block_fence_outgrows_the_content() -> None:
    assert code_block("a: 1\n", "yaml") == "```yaml\na: 1\n```"
    assert code_block("x ```` y").startswith("`````\n")
