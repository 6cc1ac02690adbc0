"""校对 on the story's form: the findings beside the text, at every stage.

The form shows the findings for the text it was rendered with; as the title, subtitle or
body is typed, the form's script (static/admin/js/proofread.js) posts the text to
`proofread_view` and shows the answer. A finding never blocks a save or a step of the
workflow: at 终审 the remaining ones are listed as 未处理的校对提示, for the chief to weigh.
"""

from django.http import JsonResponse

from articles.models import State
from articles.proofreading import FIELDS, check_story
from articles.roles import stage_count
from chinese.proofread import context

# A raw scan pasted in can give hundreds of findings; the list stops here (and says so).
SHOWN = 200


def _utf16(text, index):
    """``index`` (characters) as the browser counts a textarea's text: UTF-16 units (a
    character outside the Basic Multilingual Plane counts two)."""
    return len(text[:index].encode("utf-16-le")) // 2


def _texts(source):
    """The three fields as the browser's textarea holds them (line breaks as LF)."""
    return {
        name: (source.get(name) or "").replace("\r\n", "\n").replace("\r", "\n") for name in FIELDS
    }


def _is_final_stage(article):
    return article.state == State.REVIEW and article.review_stage == stage_count()


def proofreading(texts, *, user, article):
    """The findings for ``texts`` (title, subtitle, body), ready for the template and the
    script: field, offsets (in the browser's terms), message, excerpt with its context,
    suggestion; and the box's heading."""
    found = check_story(**texts, user=user, article=article)
    items = []
    for item in found[:SHOWN]:
        finding, text = item.finding, texts[item.field]
        before, after = context(text, finding.start, finding.end)
        items.append({
            "field": item.field, "field_label": item.field_label, "code": finding.code,
            "message": finding.message, "suggestion": finding.suggestion,
            "excerpt": finding.excerpt, "before": before, "after": after,
            "start": _utf16(text, finding.start), "end": _utf16(text, finding.end),
        })  # fmt: skip
    count = len(found)
    final = _is_final_stage(article)
    heading = f"未处理的校对提示（{count}）" if final else (f"校对（{count}）" if count else "校对")
    return {
        "count": count, "shown": len(items), "heading": heading, "final": final,
        "findings": items,
    }  # fmt: skip


def proofread_view(model_admin, request, pk):
    """POST title, subtitle and body: the findings, as JSON. For whoever may open the story
    in the admin (404 or 403 otherwise, as its other pages answer)."""
    if request.method != "POST":
        return JsonResponse({"error": "只接受 POST 请求。"}, status=405)
    article = model_admin._article_for(request, pk)
    return JsonResponse(proofreading(_texts(request.POST), user=request.user, article=article))


def proofreading_context(request, article):
    """The box for the story's form: the text posted when the form comes back with an
    error, else the saved text."""
    posted = request.method == "POST" and "body" in request.POST
    source = request.POST if posted else {name: getattr(article, name) for name in FIELDS}
    texts = _texts(source)
    return {"proofreading": proofreading(texts, user=request.user, article=article)}
