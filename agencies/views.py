import functools

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.generic import ListView

from articles.caching import public_page
from articles.fragments import any_live, cached
from articles.models import Article
from articles.selectors import public_agencies, public_officers
from articles.views import StoryListMixin

from .models import Agency, Officer


@public_page
def agency_index(request):
    # Ordered by path: a depth-first walk of the tree. Agencies found in copy appear with
    # their first live story.
    agencies = public_agencies()
    return render(request, "agencies/index.html", {"agencies": agencies})


def agency_header(request, slug):
    """An agency's name, place in the tree, sub-agencies and officers, rendered once per
    content generation; None for an unknown slug."""

    def build():
        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            return None
        # Kept per generation: a name shown here was public when this was built, and only a
        # save (which moves the generation on) can make it private again.
        above = public_agencies().in_bulk(agency.path_ids()[:-1])
        context = {
            "agency": agency,
            "ancestors": [above[pk] for pk in agency.path_ids()[:-1] if pk in above],
            "children": public_agencies().filter(parent=agency),
            "officers": public_officers().filter(agency=agency).order_by("unit", "name"),
        }
        html = render_to_string("agencies/agency_header.html", context, request)
        return {
            "pk": agency.pk,
            "path": agency.path,
            "name": agency.name,
            "verified": agency.verified,
            "html": html,
        }

    return cached(request, f"agency:{slug}", build)


class AgencyView(StoryListMixin, ListView):
    """An agency's stories, and those of every agency under it."""

    template_name = "agencies/detail.html"

    def get_queryset(self):
        self.agency = agency_header(self.request, self.kwargs["slug"])
        if self.agency is None or not (self.agency["verified"] or self._named_live()):
            raise Http404("没有这个机构。")
        return super().get_queryset()

    def _named_live(self):
        """An agency found in copy is public once a live story names it (itself)."""
        pk = self.agency["pk"]
        stories = functools.partial(Article.objects.published().filter, agencies=pk)
        return any_live(self.request, f"agency-named:{pk}", stories)

    def stories(self):
        # EXISTS per story, newest first: the kept rows stop at their window instead of
        # collecting every story of a large subtree.
        links = Article.agencies.through.objects.filter(
            article_id=OuterRef("pk"), agency__path__startswith=self.agency["path"]
        )
        return super().stories().filter(Exists(links))

    def get_context_data(self, **kwargs):
        return super().get_context_data(agency=self.agency, **kwargs)


def officer_header(request, slug):
    """An officer's name, agency, post and biography, rendered once per generation."""

    def build():
        named = Exists(Article.objects.live().filter(agencies=OuterRef("agency_id")))
        officer = (
            Officer.objects.select_related("agency")
            .annotate(agency_named=named)
            .filter(slug=slug)
            .first()
        )
        if officer is None:
            return None
        # An agency found in copy is named here only once it is public itself.
        agency = officer.agency
        shown = agency if agency and (agency.verified or officer.agency_named) else None
        context = {"officer": officer, "agency": shown}
        html = render_to_string("agencies/officer_header.html", context, request)
        return {"pk": officer.pk, "name": officer.name, "html": html}

    return cached(request, f"officer:{slug}", build)


class OfficerView(StoryListMixin, ListView):
    template_name = "agencies/officer.html"

    def get_queryset(self):
        self.officer = officer_header(self.request, self.kwargs["slug"])
        if self.officer is None or not any_live(
            self.request, f"officer-named:{self.officer['pk']}", self.stories
        ):
            raise Http404("没有这位民警。")
        return super().get_queryset()

    def stories(self):
        return super().stories().filter(officers=self.officer["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(officer=self.officer, **kwargs)
