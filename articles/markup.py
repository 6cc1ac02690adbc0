"""Article bodies: Markdown in, sanitised HTML out (rendered once, when an article is saved);
copy pasted as newspapers write it made into paragraphs; 字数 counted as newsrooms count."""

import re

# Lines that start a Markdown block, by kind; consecutive lines of a quote, a list or a table
# belong together, a heading or a rule stands alone.
_KINDS = [
    ("heading", re.compile(r"^#{1,6}\s")), ("quote", re.compile(r"^>")),
    ("list", re.compile(r"^(?:[-*+]|\d+\.)\s")), ("table", re.compile(r"^\|")),
    ("rule", re.compile(r"^(?:-{3,}|\*{3,})\s*$")),
]  # fmt: skip
_JOINED = {"quote", "list", "table"}
# Indentation before a paragraph: full-width spaces (　　), spaces, tabs.
_INDENT = re.compile(r"^[\u3000 \t]+")


ALLOWED_TAGS = {
    "p", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "a", "br", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def _kind(line):
    if not line.strip():
        return ""
    if line[0] in " \t" and not line.startswith("\u3000"):
        return "continued"  # a list item's continuation, as Markdown indents it
    for kind, pattern in _KINDS:
        if pattern.match(line):
            return kind
    return "plain"


# A story is some thousands of characters, a whole page of the paper some tens of thousands.
MAX_BODY_CHARACTERS = 100_000
# Shapes no story has, on which Python-Markdown's parser takes quadratic time (seconds to
# minutes of a worker for a few kilobytes) or gives up (RecursionError): quotes and lists
# nested deeper than this, a paragraph with more opening brackets, more lines that are
# nothing but list marks or rules.
MAX_NESTING = 16
MAX_BRACKETS = 500
MAX_BARE_MARKS = 200
_NESTING = re.compile(r"^((?:[ \t]*(?:>|[-*+]|\d+[.)])(?=[ \t>]|$)[ \t]*)+)", re.MULTILINE)
_BARE_MARKS = re.compile(r"^[ \t>*+\-_=#]*$", re.MULTILINE)


def unrenderable(text):
    """Why ``text`` cannot be a story's body (too long, or a shape that stalls the
    renderer), in Chinese; "" when it can."""
    if len(text) > MAX_BODY_CHARACTERS:
        return f"正文有 {len(text)} 个字符，超过上限 {MAX_BODY_CHARACTERS} 个，请分成几篇稿件。"
    for marks in _NESTING.findall(text):
        indent = len(marks) - len(marks.lstrip(" \t"))
        if len(re.findall(r"[>*+\-]|\d+[.)]", marks)) + indent // 4 > MAX_NESTING:
            return f"正文的引用或列表嵌套超过 {MAX_NESTING} 层，请检查正文格式。"
    if any(block.count("[") > MAX_BRACKETS for block in text.split("\n\n")):
        return f"正文一段里有超过 {MAX_BRACKETS} 个“[”，请检查正文格式。"
    bare = sum(1 for line in _BARE_MARKS.findall(text) if line.strip())
    if bare > MAX_BARE_MARKS:
        return f"正文有 {bare} 行只有符号（分隔线或空列表项），请检查正文格式。"
    return ""


def render_markdown(text):
    """Markdown -> HTML with only the tags a story body needs; scripts, styles, event
    handlers and javascript: links are removed."""
    # Imported here: only saving a story needs them, not the workers that serve readers.
    import markdown
    import nh3

    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def normalise_body(text):
    """Copy as newspapers write it, as Markdown: one paragraph a line (a single line break
    between paragraphs becomes a blank line) and no indentation (全角空格, spaces) at a
    paragraph's start. Quotes, lists and tables keep their lines together; headings stand
    alone. Idempotent: text already in this form comes back unchanged."""
    if not text:
        return text
    out, previous = [], ""
    for line in text.split("\n"):
        indented_paragraph = (
            _kind(line) == "continued"
            and _kind(_INDENT.sub("", line)) == "plain"
            and previous in ("plain", "heading", "")  # not a list item's continuation
        )
        if line.startswith("\u3000") or indented_paragraph:
            line = _INDENT.sub("", line)
        kind = _kind(line)
        if kind and previous and kind != "continued" and not (kind == previous in _JOINED):
            out.append("")
        out.append(line)
        previous = kind if kind != "continued" else previous
    return "\n".join(out)


_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[#*_>`|~]|^\s*(?:[-+]|\d+\.)\s", re.MULTILINE)


def count_characters(text):
    """字数 as Chinese newsrooms count it: every character of the text but spaces, line
    breaks and Markdown's own marks (a link counts its words, not its address)."""
    plain = _MARKUP.sub(lambda m: m.group(1) or "", text or "")
    return sum(1 for char in plain if not char.isspace())
