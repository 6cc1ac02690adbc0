from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views.generic import ListView

from . import search as search_engine
from .caching import public_page
from .context_processors import sections as all_sections
from .fragments import live_story, related_stories
from .models import Article, Section, Tag
from .pagination import BoundedPaginator, NextPagePaginator
from .preview import article_for_token, preview_response

PAGE_SIZE = 20
PER_SECTION_ON_HOME = 5


class ArticleListMixin:
    """A paginated list of live stories, through the page cache; subclasses narrow it."""

    paginate_by = PAGE_SIZE
    paginator_class = NextPagePaginator
    context_object_name = "articles"

    @method_decorator(public_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Article.objects.for_listing()


def latest_by_section(articles, sections, per_section=PER_SECTION_ON_HOME):
    """The latest few stories of every section, in one query. On PostgreSQL a UNION of one
    index scan per section (cheap at any archive size); elsewhere a window function."""
    if not sections:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        parts = [articles.filter(section=s)[:per_section] for s in sections]
        return list(parts[0].union(*parts[1:], all=True))
    ranked = articles.annotate(
        row=Window(
            RowNumber(),
            partition_by=[F("section_id")],
            order_by=[F("publish_at").desc(), F("pk").desc()],
        )
    ).filter(row__lte=per_section)
    return list(ranked)


@public_page
def home(request):
    articles = Article.objects.for_listing()
    featured = list(articles.filter(featured=True)[:3])
    sections = all_sections(request)
    by_section = {}
    for article in latest_by_section(articles.exclude(pk__in=[a.pk for a in featured]), sections):
        by_section.setdefault(article.section_id, []).append(article)
    sections = [(s, by_section[s.pk]) for s in sections if s.pk in by_section]
    return render(request, "articles/home.html", {"featured": featured, "sections": sections})


class SectionView(ArticleListMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class TagView(ArticleListMixin, ListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"
    paginator_class = BoundedPaginator  # the page says how many stories were found

    def get_queryset(self):
        self.query = search_engine.normalise_query(self.request.GET.get("q", ""))
        # Snippets are cut from the body, so results fetch it (unlike other lists).
        stories = Article.objects.live().select_related("section")
        return search_engine.search(stories, self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, **kwargs)
        context["results"] = [
            (article, search_engine.snippet(article, self.query)) for article in context["articles"]
        ]
        return context


@public_page
def article_detail(request, pk, slug):
    story = live_story(request, pk)
    if story is None:
        raise Http404("没有这篇稿件。")
    if slug != story["slug"]:
        return redirect(story["url"], permanent=True)
    related = related_stories(request, story)
    response = render(request, "articles/detail.html", {"story": story, "related": related})
    response["Last-Modified"] = http_date(story["updated_at"].timestamp())
    return response


def shared_preview(request, token):
    """A draft shared by a signed link: no account needed, never cached or indexed."""
    article = article_for_token(token)
    if article is None:
        response = render(request, "articles/preview_expired.html", status=410)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store"
        return response
    return preview_response(request, article, banner="预览稿（尚未发布，请勿转发）")


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
