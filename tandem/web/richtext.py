"""HTML that people edit as plain text: a ticket's description is stored as HTML (emails and the
API bring HTML), but a text box must show words, never `<p>…</p>`."""

from __future__ import annotations

import html
import re

from django.utils.html import linebreaks, strip_tags, urlize

_SPACE = re.compile(r"\s+")
_LINK = re.compile(r"<a\s[^>]*?href=\"([^\"]*)\"[^>]*>(.*?)</a\s*>", re.I | re.S)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_ITEM = re.compile(r"<li(\s[^>]*)?>", re.I)
_LINE_END = re.compile(r"</(li|tr|h[1-6])\s*>", re.I)
_BLOCK_END = re.compile(r"</(p|div|blockquote|pre|table|ul|ol)\s*>|<hr\s*/?>", re.I)
_BLANK_LINES = re.compile(r"\n{3,}")


def _link_text(match: re.Match) -> str:
    href, label = html.unescape(match.group(1)), match.group(2)
    words = html.unescape(strip_tags(label)).strip()
    # A link whose words are not its address keeps the address, so saving loses no link.
    return label if words == href or not href else f"{label} ({html.escape(href)})"


def html_to_text(value: str) -> str:
    """The words of `value` as someone would type them: a blank line between paragraphs, one
    line per list item ("- "), links as "words (address)"."""
    text = _SPACE.sub(" ", value or "")  # in HTML, line breaks in the source are spaces
    text = _LINK.sub(_link_text, text)
    text = _BREAK.sub("\n", text)
    text = _ITEM.sub("- ", text)
    text = _LINE_END.sub("\n", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(strip_tags(text))
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_to_html(value: str) -> str:
    """Typed text as HTML: paragraphs at blank lines, line breaks kept, addresses linked."""
    text = (value or "").replace("\r\n", "\n").strip()
    return linebreaks(urlize(text, autoescape=True)) if text else ""
