from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from articles.caching import public_page
from articles.models import Article
from articles.views import ArticleListMixin

from .models import Agency, Officer


@public_page
def agency_index(request):
    agencies = Agency.objects.all()  # ordered by path: a depth-first walk of the tree
    return render(request, "agencies/index.html", {"agencies": agencies})


class AgencyView(ArticleListMixin, ListView):
    """An agency's stories, and those of every agency under it."""

    template_name = "agencies/detail.html"

    def get_queryset(self):
        self.agency = get_object_or_404(Agency, slug=self.kwargs["slug"])
        # EXISTS per story, newest first: the first page stops after 20 matches instead of
        # collecting every story of a large subtree.
        links = Article.agencies.through.objects.filter(
            article_id=OuterRef("pk"), agency__path__startswith=self.agency.path
        )
        return super().get_queryset().filter(Exists(links))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agency=self.agency,
            ancestors=self.agency.ancestors(),
            children=self.agency.children.all(),
            officers=self.agency.officers.order_by("unit", "name"),
            **kwargs,
        )


class OfficerView(ArticleListMixin, ListView):
    template_name = "agencies/officer.html"

    def get_queryset(self):
        self.officer = get_object_or_404(
            Officer.objects.select_related("agency"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().filter(officers=self.officer)

    def get_context_data(self, **kwargs):
        return super().get_context_data(officer=self.officer, **kwargs)
