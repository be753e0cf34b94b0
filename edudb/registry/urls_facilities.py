"""Pages of the facilities database (included by edudb/registry/urls.py under the registry namespace)."""

from django.urls import URLPattern, path

from edudb.registry import views_facilities as views

urlpatterns: list[URLPattern] = [
    path("rooms/", views.RoomListView.as_view(), name="room_list"),
    path("rooms/new/", views.RoomCreateView.as_view(), name="room_create"),
    path("rooms/<int:pk>/", views.RoomDetailView.as_view(), name="room_detail"),
    path("rooms/<int:pk>/edit/", views.RoomUpdateView.as_view(), name="room_edit"),
]
