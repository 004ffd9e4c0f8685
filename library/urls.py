from django.urls import path

from . import public_views, views

app_name = "library"

urlpatterns = [
    # Staff
    path("library/", views.tree, name="tree"),
    path("library/items/<int:pk>/", views.item_detail, name="item"),
    path("library/items/<int:pk>/start/", views.item_start, name="item_start"),
    path("library/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("library/entries/<int:pk>/clone/", views.entry_clone, name="entry_clone"),
    path("library/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("library/nominations/", views.nomination_list, name="nomination_list"),
    path("library/nominations/new/", views.nomination_create, name="nomination_create"),
    path("library/nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("library/nominations/<int:pk>/select/", views.nomination_select, name="nomination_select"),
    path(
        "library/nominations/<int:pk>/decline/",
        views.nomination_decline,
        name="nomination_decline",
    ),
    path("library/guidance/new/", views.guidance_create, name="guidance_create"),
    path("library/guidance/<int:pk>/", views.guidance_detail, name="guidance"),
    path("library/guidance/<int:pk>/edit/", views.guidance_edit, name="guidance_edit"),
    path("library/guidance/<int:pk>/attachments/", views.guidance_attach, name="guidance_attach"),
    # Residents (no account)
    path("p/library/", public_views.tree, name="public_tree"),
    path("p/library/excellent/", public_views.excellent, name="public_excellent"),
    path("p/library/items/<int:pk>/", public_views.item, name="public_item"),
    path("p/library/<int:pk>/", public_views.entry, name="public_entry"),
]
