"""Article bodies: Markdown in, sanitised HTML out (rendered once, when an article is saved)."""

ALLOWED_TAGS = {
    "p", "h3", "h4", "blockquote", "ul", "ol", "li", "strong", "em", "a", "br", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


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
