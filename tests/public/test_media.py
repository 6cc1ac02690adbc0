"""A picture's files reach readers only while a live story prints it: before publication,
after a withdrawal (at once), and for a picture only a pending revision uses, a reader gets
the 404 of a file that never existed, and only the newsroom may fetch it."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from articles import images, workflow
from articles.models import Photo, State
from articles.roles import DIRECTOR, EDITOR, REPORTER, ensure_roles

from ..articles import photo_files
from ..factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def reviewer(name, group):
    user, _ = get_user_model().objects.get_or_create(username=name, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=group))
    return user


def publish(story, by, at=None):
    """Through the three reviews (初审 and 复审 by others: 三审 are three people's), then
    published by ``by`` (or scheduled for ``at``)."""
    workflow.article_submit(article=story, by=by)
    workflow.article_approve(article=story, by=reviewer("editor", EDITOR))
    workflow.article_approve(article=story, by=reviewer("director", DIRECTOR))
    workflow.article_publish(article=story, by=by, at=at)


def picture(size=(1200, 800)):
    return images.accept(io.BytesIO(photo_files.jpeg_from_camera(size)), alt_text="民警")


def urls(image):
    """What pages print: the renditions (the full-size original is the newsroom's)."""
    return [r.file.url for r in image.renditions.all()]


def reachable(client, image):
    return {client.get(url).status_code for url in urls(image)}


def test_files_follow_their_story_through_publication_and_withdrawal(chief):
    story = ArticleFactory(state=State.DRAFT, publish_at=None)
    image = picture()
    Photo.objects.create(article=story, image=image, alt_text="民警")
    reader, staff = Client(), Client()
    staff.force_login(chief)
    assert reachable(reader, image) == {404}
    assert reachable(staff, image) == {200}
    assert all("no-store" in staff.get(u)["Cache-Control"] for u in urls(image)[:2])
    assert staff.get(image.file.url).status_code == 200
    publish(story, chief)
    assert reachable(reader, image) == {200}
    assert reader.get(image.file.url).status_code == 404  # the original stays the newsroom's
    workflow.article_withdraw(article=story, by=chief, reason="核实中")
    assert reachable(reader, image) == {404}  # at once: the content key moved on
    assert reachable(staff, image) == {200}


def test_a_picture_only_a_pending_revision_uses_stays_private_until_it_is_published(chief):
    live = ArticleFactory()
    revision, _photos = workflow.article_start_revision(article=live, by=chief)
    image = picture()
    Photo.objects.create(article=revision, image=image, alt_text="民警")
    assert reachable(Client(), image) == {404}
    workflow.article_submit(article=revision, by=chief)
    workflow.article_approve(article=revision, by=chief)
    assert reachable(Client(), image) == {200}


def test_a_scheduled_storys_picture_appears_when_the_story_does(chief):
    story = ArticleFactory(state=State.DRAFT, publish_at=None)
    image = picture((600, 400))
    Photo.objects.create(article=story, image=image, alt_text="民警")
    at = timezone.now() + datetime.timedelta(hours=1)
    publish(story, chief, at=at)
    assert reachable(Client(), image) == {404}
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        assert reachable(Client(), image) == {200}


def test_a_reporter_cannot_fetch_another_reporters_draft_picture():
    ensure_roles()
    User = get_user_model()
    owner = User.objects.create_user("owner", is_staff=True)
    other = User.objects.create_user("other", is_staff=True)
    for user in (owner, other):
        user.groups.add(Group.objects.get(name=REPORTER))
    story = ArticleFactory(author=owner, state=State.DRAFT, publish_at=None)
    image = images.accept(io.BytesIO(photo_files.webp()), by=owner, alt_text="x")
    Photo.objects.create(article=story, image=image, alt_text="x")
    client = Client()
    client.force_login(other)
    assert reachable(client, image) == {404}
    client.force_login(owner)
    assert reachable(client, image) == {200}


@pytest.mark.parametrize("path", [
    "/media/photos/../../newsroom/settings.py", "/media/../db.sqlite3", "/media/photos/none.jpg",
    "/media/fixtures/seed.json", "/media/photos/%00.jpg",
])  # fmt: skip
def test_nothing_else_is_served_from_media(path):
    assert Client().get(path).status_code == 404


def test_behind_nginx_the_app_only_decides(settings, chief, django_assert_max_num_queries):
    settings.NEWSROOM_MEDIA_ACCEL_REDIRECT = "/_media/"
    story = ArticleFactory()
    image = picture((600, 400))
    Photo.objects.create(article=story, image=image, alt_text="民警")
    thumb = image.renditions.get(spec="thumb", format="jpeg").file
    response = Client().get(thumb.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_media/{thumb.name}"
    assert response["Content-Type"] == "image/jpeg"
    # Kept as a public page: the next reader's answer runs no query.
    with django_assert_max_num_queries(1):  # the content generation, at most
        again = Client().get(thumb.url)
    assert again["X-Accel-Redirect"] == response["X-Accel-Redirect"]


def test_a_shared_preview_shows_the_drafts_pictures_and_nothing_more(chief):
    import re

    from public.preview import share_url

    story = ArticleFactory(state=State.DRAFT, publish_at=None)
    image = picture((900, 600))
    Photo.objects.create(article=story, image=image, alt_text="民警")
    other = picture((800, 600))  # another draft's picture
    Photo.objects.create(article=ArticleFactory(state=State.DRAFT, publish_at=None),
                         image=other, alt_text="x")  # fmt: skip
    reader = Client()
    page = reader.get(share_url(story)).content.decode()
    shown = re.findall(r'src="(/media/[^"]+)"', page)
    assert shown and all("?preview=" in url for url in shown)
    assert all(reader.get(url).status_code == 200 for url in shown)
    token = shown[0].split("?preview=")[1]
    # The token opens this story's pictures only, and not once the story is withdrawn.
    for url in urls(other):
        assert reader.get(f"{url}?preview={token}").status_code == 404
    assert reader.get(shown[0].split("?")[0]).status_code == 404
    assert reader.get(shown[0].split("?")[0] + "?preview=forged").status_code == 404
    story.state = State.WITHDRAWN
    story.save()
    assert reader.get(shown[0]).status_code == 404


def test_a_moved_focal_point_makes_the_page_newer_for_caches_that_ask_by_date():
    story = ArticleFactory()
    image = picture((900, 600))
    Photo.objects.create(article=story, image=image, alt_text="民警")
    first = Client().get(story.get_absolute_url())
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        images.move_focus(image, 0.2, 0.5)
        again = Client().get(
            story.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )
    assert again.status_code == 200  # not 304: the page names the new crops
    assert again["Last-Modified"] != first["Last-Modified"]
    new = image.renditions.get(spec="w800", format="jpeg").file.url
    assert new in again.content.decode()
