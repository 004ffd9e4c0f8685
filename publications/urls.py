"""Staff pages of the monthly rhythm, under /publications/manage/ and friends (namespace
`publications`). Each area keeps its routes in its own module as `urls`."""

from . import delivery_views, staff_views

app_name = "publications"

urlpatterns = [*staff_views.urls, *delivery_views.urls]
