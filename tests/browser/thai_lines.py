"""Where the browser broke Thai lines: every line break inside a Thai text node that does not
fall between two words."""

from __future__ import annotations

from typing import Any

from pramern.thaitext import words

# For each visible text node holding Thai, the offsets where a new line starts (found by asking
# the layout for the box of each grapheme) and the word boundaries of Chromium's own dictionary
# (Intl.Segmenter, the ICU breaker that line breaking uses).
_MEASURE = """(selector) => {
  const words = new Intl.Segmenter("th", {granularity: "word"});
  const graphemes = new Intl.Segmenter("th", {granularity: "grapheme"});
  const found = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const text = node.data;
      if (!/[\\u0E00-\\u0E7F]/.test(text) || !node.parentElement.checkVisibility()) continue;
      const range = document.createRange();
      const starts = [];
      let lastTop = null;
      for (const g of graphemes.segment(text)) {
        range.setStart(node, g.index);
        range.setEnd(node, g.index + g.segment.length);
        const rect = range.getClientRects()[0];
        if (!rect || !g.segment.trim()) continue;
        if (lastTop !== null && rect.top > lastTop + 4) starts.push(g.index);
        lastTop = rect.top;
      }
      if (starts.length) {
        found.push({text, starts, boundaries: Array.from(words.segment(text), (s) => s.index)});
      }
    }
  }
  return found;
}"""


def _libthai_boundaries(text: str) -> set[int]:
    offsets, at = set(), 0
    for word in words(text):
        offsets.add(at)
        at += len(word)
    return offsets


def mid_word_breaks(page: Any, selector: str = "main") -> list[str]:
    """Each line break inside a Thai word on the page, shown as "before/after" around the break.
    A break counts as between words when ICU (the browser's breaker) or libthai (the server's,
    pramern.thaitext.words) puts a word boundary there, or when whitespace is next to it."""
    bad = []
    for node in page.evaluate(_MEASURE, selector):
        text = node["text"]
        allowed = set(node["boundaries"]) | _libthai_boundaries(text)
        for start in node["starts"]:
            if start in allowed or text[start - 1 : start].isspace() or not text[start - 1 : start].strip():
                continue
            bad.append(f"{text[max(0, start - 12) : start]}/{text[start : start + 12]}")
    return bad
