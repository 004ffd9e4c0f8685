from django.urls import path

from . import public_views, views

app_name = "scenes"

urlpatterns = [
    # Staff
    path("scenes/", views.scene_list, name="scene_list"),
    path("scenes/new/", views.scene_create, name="scene_create"),
    path("scenes/<int:pk>/", views.scene_detail, name="scene_detail"),
    path("scenes/<int:pk>/edit/", views.scene_edit, name="scene_edit"),
    path("scenes/<int:pk>/delete/", views.scene_delete, name="scene_delete"),
    path("scenes/<int:pk>/photos/", views.scene_photo_add, name="scene_photo_add"),
    path("scenes/<int:pk>/photos/public/", views.scene_photo_consent, name="scene_photo_consent"),
    path("scenes/compounds/<int:pk>/", views.compound_detail, name="compound"),
    path("scenes/micro/", views.micro_list, name="micro_list"),
    path("scenes/micro/new/", views.micro_create, name="micro_create"),
    path("scenes/micro/<int:pk>/", views.micro_detail, name="micro_detail"),
    path("scenes/micro/<int:pk>/edit/", views.micro_edit, name="micro_edit"),
    path("scenes/micro/<int:pk>/release/", views.micro_release, name="micro_release"),
    path("scenes/micro/<int:pk>/close/", views.micro_close, name="micro_close"),
    path("scenes/micro/<int:pk>/reopen/", views.micro_reopen, name="micro_reopen"),
    # Residents (no account)
    path("p/compounds/", public_views.compounds, name="public_compounds"),
    path("p/compounds/<int:pk>/", public_views.compound, name="public_compound"),
    path("p/scene-photos/<int:pk>/", public_views.photo, name="public_photo"),
    path("p/plots/<int:pk>/", public_views.claim, name="public_claim"),
    path("p/plots/<int:pk>/phone/", public_views.phone, name="public_phone"),
    path("p/my-plots/", public_views.mine, name="public_mine"),
    path("p/my-plots/<int:pk>/care/", public_views.care, name="public_care"),
    path("p/my-plots/<int:pk>/give-up/", public_views.give_up, name="public_give_up"),
]
