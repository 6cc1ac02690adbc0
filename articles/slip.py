"""The 稿签: the slip a Chinese newsroom clips to a story, naming who wrote it, who edited
it, who passed each review stage and who signed it off, with the times.

Read from the workflow's own record (WorkflowEvent), never typed in: the slip cannot say
what did not happen. A story sent back (退回) or restored (恢复) begins its review again,
so only the passes since then count; a withdrawal keeps the slip of what was published.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from .models import Action, Article, State, display_name
from .roles import stage_count, stage_name

# A pass of the last stage is the sign-off itself (签发), recorded as a publication.
SIGNED = [Action.PUBLISH, Action.SCHEDULE, Action.PUBLISH_REVISION]
RESTARTS = [Action.RETURN, Action.RESTORE]


@dataclass(frozen=True)
class Line:
    role: str  # 记者, 责任编辑, 初审, 复审, 终审, 签发
    person: str  # a name, or "" while nobody has
    at: datetime | None = None
    note: str = ""


def _since_restart(article):
    """The story's events since its review last began again, oldest first."""
    events = list(article.events.select_related("actor").order_by("created_at", "pk"))
    starts = [i for i, event in enumerate(events) if event.action in RESTARTS]
    return events[starts[-1] + 1 :] if starts else events


def _passed(event):
    """The stage ``event`` passed, or None (an approval records the stage it entered)."""
    if event.action == Action.APPROVE and event.stage > 1:
        return event.stage - 1
    if event.action in SIGNED:
        return stage_count()
    return None


def review_slip(article: Article) -> list[Line]:
    """The slip's lines, in the order they are signed: 记者, 责任编辑, each stage, 签发."""
    events = _since_restart(article)
    passes, signed = {}, None
    for event in events:
        stage = _passed(event)
        if stage is not None:
            passes[stage] = event
        if event.action in SIGNED:
            signed = event
    author = display_name(article.author) if article.author_id else ""
    # The byline as printed (本报记者 王红梅); the account's name where the byline lacks it.
    shown = author and author not in (article.byline or "")
    lines = [Line("记者", article.byline or author, note=f"账号：{author}" if shown else "")]
    first = passes.get(1)
    # 责任编辑: the editor who passed the first stage, and answers for the copy.
    lines.append(Line("责任编辑", first.actor_name if first else "", first and first.created_at))
    for stage in range(1, stage_count() + 1):
        event = passes.get(stage)
        lines.append(
            Line(stage_name(stage), event.actor_name if event else "", event and event.created_at)
        )
    note = ""
    if signed is not None and signed.action == Action.SCHEDULE and signed.publish_at:
        note = f"定时 {timezone.localtime(signed.publish_at):%Y-%m-%d %H:%M} 发布"
    lines.append(
        Line("签发", signed.actor_name if signed else "", signed and signed.created_at, note)
    )
    return lines


def responsible_editor(article: Article) -> str:
    """责任编辑 as the article page prints it: who passed 初审 since the review last began
    again, or "" when nobody did here. A printed story the importer published went through
    review on paper (its publication is from a draft, by the system): no name rather than a
    wrong one. One query."""
    editor = None
    for event in _since_restart(article):
        passed = (
            _passed(event) == 1
            and event.actor_id is not None
            # With one stage, the sign-off is the pass, if the story was in review.
            and (event.action == Action.APPROVE or event.from_state == State.REVIEW)
        )
        if passed:
            editor = event
    return editor.actor_name if editor else ""
