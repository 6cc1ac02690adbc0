from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import ListView

from .models import Article, Section

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
