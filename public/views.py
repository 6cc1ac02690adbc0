from django.conf import settings
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.generic import ListView
from markupsafe import Markup

from articles import search as search_engine
from articles.models import Article, Tag

from .cache import cached, public_page
from .context_processors import sections as all_sections
from .fragments import (
    around_story,
    listed,
    live_story,
    query_key,
    search_items,
    share_links,
    story_items,
)
from .pagination import MAX_PAGES, BoundedPaginator, NextPagePaginator
from .preview import article_for_token, changed_since, preview_response

PAGE_SIZE = 20
PER_SECTION_ON_HOME = 5
FEATURED_ON_HOME = 3


class ArticleListMixin:
    """A paginated list of live stories, through the page cache; subclasses choose them."""

    paginate_by = PAGE_SIZE
    paginator_class = NextPagePaginator

    @method_decorator(public_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class StoryListMixin(ArticleListMixin):
    """A list of live stories, newest first, whose pages are kept under the content key
    (the ids and the rendered items). Subclasses narrow the live stories."""

    def get_queryset(self):
        # Built only when the page is not kept: building a queryset costs more than the
        # rest of the view.
        return self.stories

    def stories(self):
        return Article.objects.live()

    def get_context_data(self, **kwargs):
        try:
            page = min(max(int(self.request.GET.get(self.page_kwarg, 1)), 1), MAX_PAGES)
        except ValueError:
            # Not a number ("last" included: these lists are never counted).
            raise Http404("没有这一页。") from None
        per_page = self.paginate_by

        def build():
            # The stories of this page and those before it, and one more (a next page?).
            newest = self.object_list().order_by("-publish_at", "-pk")
            ids = list(newest.values_list("pk", flat=True)[: page * per_page + 1])
            return ids, story_items(self.request, ids[(page - 1) * per_page : page * per_page])

        ids, items = cached(self.request, f"list:{self.request.path}:{page}", build)
        context = super().get_context_data(object_list=ids, **kwargs)
        context["items"] = items
        return context


def latest_by_section(articles, sections, per_section, fields):
    """The latest few stories of every section (``fields`` of each), in one query. On
    PostgreSQL a UNION of one index scan per section (cheap at any archive size); elsewhere
    a window function."""
    if not sections:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [articles.filter(section=s)[:per_section] for s in sections]
        rows = parts[0].union(*parts[1:], all=True)
    else:
        rows = articles.annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("section_id")],
                order_by=[F("publish_at").desc(), F("pk").desc()],
            )
        ).filter(row__lte=per_section)
    return list(rows.values_list(*fields))


def front_page_ids(sections):
    """The featured stories and each section's newest others, among the live ones: the
    newest featured, and the newest of every section (enough to fill its block once the
    featured ones are taken out), in one query each."""
    fields = ("publish_at", "pk", "section_id", "featured")
    newest = Article.objects.live().order_by("-publish_at", "-pk")
    rows = [
        *newest.filter(featured=True).values_list(*fields)[:FEATURED_ON_HOME],
        *latest_by_section(newest, sections, PER_SECTION_ON_HOME + FEATURED_ON_HOME, fields),
    ]
    rows = sorted(set(rows), reverse=True)
    featured = [pk for _at, pk, _section, is_featured in rows if is_featured][:FEATURED_ON_HOME]
    by_section = {}
    for _at, pk, section_id, _featured in rows:
        block = by_section.setdefault(section_id, [])
        if pk not in featured and len(block) < PER_SECTION_ON_HOME:
            block.append(pk)
    return featured, by_section


@public_page
def home(request):
    sections = all_sections(request)

    def build():
        featured, by_section = front_page_ids(sections)
        fetch = listed([*featured, *(pk for ids in by_section.values() for pk in ids)])
        blocks = [
            (section, story_items(request, by_section[section.pk], False, fetch=fetch))
            for section in sections
            if by_section.get(section.pk)
        ]
        context = {
            "lead": story_items(request, featured[:1], lead=True, fetch=fetch),
            "featured": story_items(request, featured[1:], fetch=fetch),
            "sections": blocks,
        }
        # Without the request: nothing here depends on it beyond the kept fragments.
        return Markup(render_to_string("articles/front_page.html", context, using="jinja2"))

    return render(request, "articles/home.html", {"front_page": cached(request, "home", build)})


def section_by_slug(request, slug):
    """From the sections every page already holds (the navigation)."""
    for section in all_sections(request):
        if section.slug == slug:
            return section
    raise Http404("没有这个栏目。")


class SectionView(StoryListMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = section_by_slug(self.request, self.kwargs["slug"])
        return super().get_queryset()

    def stories(self):
        return super().stories().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(StoryListMixin, ListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        slug = self.kwargs["slug"]

        def public_tag():  # a tag goes public with its first live story
            tag = Tag.objects.filter(slug=slug).first()
            return tag if tag and Article.objects.live().filter(tags=tag).exists() else False

        self.tag = cached(self.request, f"tag:{slug}", public_tag)
        if not self.tag:
            raise Http404("没有这个标签。")
        return super().get_queryset()

    def stories(self):
        return super().stories().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(ArticleListMixin, ListView):
    """Search results: the ranked matches of a query are kept under the content key; each
    result's passage is a fragment."""

    template_name = "articles/search.html"
    paginator_class = BoundedPaginator  # the page says how many stories were found

    def get_queryset(self):
        self.query = search_engine.normalise_query(self.request.GET.get("q", ""))
        if not self.query:
            return []

        def build():
            ranked = search_engine.search(Article.objects.live(), self.query).only("pk")
            return [a.pk for a in ranked[: search_engine.CANDIDATES]]

        return cached(self.request, f"search:{query_key(self.query)}", build)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        context["items"] = search_items(self.request, self.query, list(context["object_list"]))
        if self.query and context["page_obj"].number == 1:
            # Officers and agencies by name, above the stories (on the first page only).
            officers, agencies = cached(
                self.request,
                f"search-names:{query_key(self.query)}",
                lambda: search_engine.matching_names(self.query),
            )
            context.update(officers=officers, agencies=agencies)
        return context


@public_page
def article_detail(request, pk, slug):
    story = live_story(request, pk)
    if story is None:
        raise Http404("没有这篇稿件。")
    if slug != story["slug"]:
        return redirect(story["url"], permanent=True)
    around = around_story(request, story)
    context = {
        "story": story,
        "share": share_links(request, story),
        "pager": around["pager"],
        "related": around["related"],
    }
    response = render(request, "articles/detail.html", context)
    response["Last-Modified"] = http_date(story["updated_at"].timestamp())
    return response


def shared_preview(request, token):
    """A story shared by a signed link before publication: no account needed, never cached
    or indexed. Once published, the link leads to the public page when it is live."""
    article, made_at, reason = article_for_token(token)
    if article is not None and not reason:
        banner = "预览稿（尚未发布，请勿转发）"
        changed = changed_since(article, made_at)
        if changed:
            banner += f"。此链接生成后，稿件的{'、'.join(changed)}有修改，此页为最新内容"
        return preview_response(request, article, banner=banner)
    live = article.revision_of if article is not None and article.is_revision else article
    if live is not None and live.is_live:
        response = redirect(live.get_absolute_url())
    else:
        response = render(request, "articles/preview_expired.html", {"reason": reason}, status=410)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def web_manifest(request):
    """The web app manifest: the paper's name and its icons (drawn from static/favicon.svg
    by scripts/make-icons.sh), for a reader who adds the site to a phone's home screen."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    manifest = {
        "name": settings.NEWSROOM_SITE_NAME, "short_name": settings.NEWSROOM_SITE_NAME,
        "lang": "zh-CN", "start_url": reverse("articles:home"), "display": "browser",
        "background_color": "#ffffff", "theme_color": "#a4161a", "icons": icons,
    }  # fmt: skip
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
