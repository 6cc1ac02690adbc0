from django.contrib import admin
from django.urls import include, path

handler500 = "newsroom.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("public.urls")),
]
