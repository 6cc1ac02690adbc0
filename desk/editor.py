"""The body editor's preview: the text on screen, as readers will get it.

The story's form posts its body here while it is being written (static/admin/js/
body_editor.js); the answer is the HTML the public page prints for that body, made the way
``Article.save`` makes ``body_html`` (control characters out, pasted copy made into
paragraphs, Markdown rendered and sanitised), and its 字数. Nothing is saved.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from articles.markup import (
    MAX_BODY_CHARACTERS,
    count_characters,
    normalise_body,
    render_markdown,
    unrenderable,
)  # fmt: skip
from newsroom.text import strip_controls


def body_html(text):
    """What the public page prints for a story whose body is ``text`` (as Article.save
    renders it), and the body as it will be stored."""
    body = normalise_body(strip_controls(text))
    return render_markdown(body), body


def _refusal(message, status):
    return JsonResponse({"error": message}, status=status)


@require_POST
def preview_body(request):
    """POST ``body`` → ``{"html": …, "characters": …}``; for staff who may write stories
    (the admin's own wrapper has already asked for a staff login and the CSRF token). A
    body the story's form would refuse (see articles.markup.unrenderable) is refused here
    with the same reason."""
    user = request.user
    if not (user.has_perm("articles.add_article") or user.has_perm("articles.change_article")):
        return _refusal("您没有编辑稿件的权限，不能预览正文。", 403)
    text = request.POST.get("body", "")
    if len(text) > MAX_BODY_CHARACTERS:
        return _refusal(unrenderable(text), 400)
    body = normalise_body(strip_controls(text))
    problem = unrenderable(body)  # as it will be rendered: a control character is dropped
    if problem:
        return _refusal(problem, 400)
    return JsonResponse({"html": render_markdown(body), "characters": count_characters(body)})
