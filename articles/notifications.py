"""E-mail from the workflow: one message per person per event, with a link to the story.

- A story waiting at a stage goes to the people whose own stage it is (初审 to editors, 复审
  to department heads, 终审 to the chief editor): someone who may act at several stages
  hears of a story once, at the last of them, not three times. Where nobody holds the
  stage as their own, everyone who may act at it hears.
- A story returned (退回) or published goes to its author, with the reason.

Messages go once the transaction commits, never inside it; a mail server that is down is
logged and never undoes or fails the step.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from .roles import holders, stage_holders, stage_name, stage_permission


def _link(article):
    path = reverse("admin:articles_article_change", args=[article.pk])
    return f"{settings.NEWSROOM_SITE_URL.rstrip('/')}{path}"


def _send(messages):
    if messages:
        # robust: a mail server that is down is logged, and never fails the transition.
        transaction.on_commit(lambda: send_mass_mail(messages), robust=True)


def _able(permission_name):
    return holders(permission_name).exclude(email="")


def stage_reviewers(stage):
    """Who hears that a story waits at ``stage``."""
    return stage_holders(stage, _able(stage_permission(stage)))


def waiting(article, stage):
    """``article`` has entered ``stage`` and waits for a reviewer."""
    name = stage_name(stage)
    kind = "修改稿" if article.is_revision else "稿件"
    subject = f"【{name}】待审{kind}：{article.title}"
    body = (
        f"{kind}《{article.title}》已进入{name}，等待您审核。\n"
        f"栏目：{article.section}\n作者：{article.byline or '（未署名）'}\n"
        f"打开稿件：{_link(article)}\n"
    )
    recipients = [u for u in stage_reviewers(stage) if u.pk != article.author_id]
    _send([(subject, body, None, [user.email]) for user in recipients])


def _to_author(article, by, subject, body):
    author = article.author
    if author is None or not author.email or not author.is_active or author.pk == by.pk:
        return
    _send([(subject, body + f"打开稿件：{_link(article)}\n", None, [author.email])])


def returned(article, by, stage, reason):
    """``article`` was sent back to its author from ``stage``."""
    from .models import display_name

    name = stage_name(stage)
    _to_author(
        article, by, f"【{name}退回】请修改：{article.title}",
        f"您的稿件《{article.title}》在{name}被 {display_name(by)} 退回，需要修改。\n"
        f"退回理由：{reason}\n",
    )  # fmt: skip


def published(article, by):
    """``article`` was published (or scheduled)."""
    from .models import display_name

    when = "已签发" if article.is_live else "已定时发布"
    _to_author(
        article, by, f"【{when}】{article.title}",
        f"您的稿件《{article.title}》{when}（签发人：{display_name(by)}）。\n",
    )  # fmt: skip
