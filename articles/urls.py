from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("articles/<int:pk>/", views.article_detail, {"slug": ""}, name="detail-no-slug"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("preview/<str:token>/", views.shared_preview, name="preview"),
]
