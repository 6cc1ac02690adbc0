"""The directory: agencies and officers, each with the live stories that name them."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.generic import ListView
from markupsafe import Markup

from articles.models import Article
from articles.selectors import public_agencies, public_officers

from .cache import cached, public_page
from .views import StoryListMixin


@public_page
def agency_index(request):
    # Agencies found in copy appear with their first live story.
    return render(request, "agencies/index.html", {"tree": agency_tree(public_agencies())})


def agency_tree(agencies):
    """``agencies`` as a tree: ``[{"agency", "children"}]``, each under its nearest
    ancestor in the list (one not public yet is skipped, its children drawn under the
    agency above it), siblings in the order given."""
    nodes, roots = {}, []
    for agency in sorted(agencies, key=lambda agency: agency.depth):
        node = {"agency": agency, "children": []}
        above = [pk for pk in agency.path_ids()[:-1] if pk in nodes]
        (nodes[above[-1]]["children"] if above else roots).append(node)
        nodes[agency.pk] = node
    return roots


def agency_header(request, slug):
    """An agency's name, place in the tree, sub-agencies and officers, rendered; None for an
    unknown slug, or an agency found in copy that no live story names yet."""

    def build():
        agency = public_agencies().filter(slug=slug).first()
        if agency is None:
            return None
        above = public_agencies().in_bulk(agency.path_ids()[:-1])
        context = {
            "agency": agency,
            "ancestors": [above[pk] for pk in agency.path_ids()[:-1] if pk in above],
            "children": public_agencies().filter(parent=agency),
            "officers": public_officers().filter(agency=agency).order_by("unit", "name"),
        }
        html = Markup(render_to_string("agencies/agency_header.html", context, using="jinja2"))
        return {
            "pk": agency.pk,
            "slug": agency.slug,
            "path": agency.path,
            "name": agency.name,
            "html": html,
        }

    return cached(request, f"agency:{slug}", build)


class AgencyView(StoryListMixin, ListView):
    """An agency's stories, and those of every agency under it."""

    template_name = "agencies/detail.html"

    def get_queryset(self):
        self.agency = agency_header(self.request, self.kwargs["slug"])
        if self.agency is None:
            raise Http404("没有这个机构。")
        return super().get_queryset()

    def stories(self):
        return super().stories().naming_agency_or_below(self.agency["path"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(agency=self.agency, **kwargs)


def officer_header(request, slug):
    """An officer's name, agency, post and biography, rendered; None for an unknown slug, or
    an officer no live story names (yet)."""

    def build():
        named = Exists(Article.objects.live().filter(agencies=OuterRef("agency_id")))
        officer = (
            public_officers()
            .select_related("agency")
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
        html = Markup(render_to_string("agencies/officer_header.html", context, using="jinja2"))
        return {"pk": officer.pk, "name": officer.name, "html": html}

    return cached(request, f"officer:{slug}", build)


class OfficerView(StoryListMixin, ListView):
    template_name = "agencies/officer.html"

    def get_queryset(self):
        self.officer = officer_header(self.request, self.kwargs["slug"])
        if self.officer is None:
            raise Http404("没有这位民警。")
        return super().get_queryset()

    def stories(self):
        return super().stories().filter(officers=self.officer["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(officer=self.officer, **kwargs)
