from django.urls import include, path

from . import directory, epaper, feeds, media, views
from .cache import public_page
from .sitemaps import news_sitemap, sitemap_index, sitemap_section

# Most asked first: every request is matched against the patterns in order.
stories = [
    path("articles/<int:pk>/", views.article_detail, {"slug": ""}, name="detail-no-slug"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("", views.home, name="home"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<slug:slug>/feed/", public_page(feeds.SectionFeed()), name="section-feed"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", public_page(feeds.SiteFeed()), name="feed"),
    path("agencies/<slug:slug>/feed/", public_page(feeds.AgencyFeed()), name="agency-feed"),
    path("sitemap.xml", public_page(sitemap_index), name="sitemap"),
    path("sitemap-news.xml", public_page(news_sitemap), name="news-sitemap"),
    path("sitemap-<section>.xml", public_page(sitemap_section), name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("manifest.webmanifest", public_page(views.web_manifest), name="manifest"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
]

names = [
    path("agencies/", directory.agency_index, name="index"),
    path("agencies/<slug:slug>/", directory.AgencyView.as_view(), name="detail"),
    path("officers/<slug:slug>/", directory.OfficerView.as_view(), name="officer"),
]

# Two namespaces, as the templates name them: "articles:…" and "agencies:…".
urlpatterns = [
    # Photo files (MEDIA_URL), to those who may have them.
    path("media/<path:name>", media.media, name="media"),
    path("", include((stories, "articles"))),
    path("", include((names, "agencies"))),
    path("epaper/", include((epaper.urlpatterns, "epaper"))),
]
