from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("agencies/", views.agency_index, name="index"),
    path("agencies/<slug:slug>/", views.AgencyView.as_view(), name="detail"),
    path("officers/<slug:slug>/", views.OfficerView.as_view(), name="officer"),
]
