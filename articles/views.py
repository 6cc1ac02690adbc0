from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import ListView

from .models import Article, Section
from .preview import article_for_token, preview_response

PAGE_SIZE = 20


class ArticleListMixin:
    """A paginated list of live stories; subclasses narrow the queryset."""

    paginate_by = PAGE_SIZE
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.for_listing()


def home(request):
    articles = Article.objects.for_listing()
    featured = list(articles.filter(featured=True)[:3])
    latest = list(articles.exclude(pk__in=[a.pk for a in featured])[:PAGE_SIZE])
    sections = Section.objects.all()
    return render(
        request,
        "articles/home.html",
        {"featured": featured, "latest": latest, "sections": sections},
    )


class SectionView(ArticleListMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


def article_detail(request, pk, slug):
    article = get_object_or_404(
        Article.objects.live()
        .select_related("section")
        .prefetch_related("photos", "corrections", "agencies", "officers__agency", "tags"),
        pk=pk,
    )
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "articles/detail.html", {"article": article})


def shared_preview(request, token):
    """A draft shared by a signed link: no account needed, never cached or indexed."""
    article = article_for_token(token)
    if article is None:
        response = render(request, "articles/preview_expired.html", status=410)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store"
        return response
    return preview_response(request, article, banner="预览稿（尚未发布，请勿转发）")
