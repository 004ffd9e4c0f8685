from django.urls import path

from . import views

app_name = "dashboards"

# Included at the root: the pipeline and the overview keep the addresses they had under
# /projects/ (bookmarks), though they read across apps and live here.
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/pipeline/", views.pipeline, name="pipeline"),
    path("projects/overview/", views.overview, name="overview"),
]
