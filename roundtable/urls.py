"""Staff pages of the round table under /roundtable/ (namespace `roundtable`). Each area keeps its
routes in its own module as `urls`."""

from . import followup_views, meeting_views, moderation_views, participant_views, topic_views

app_name = "roundtable"

urlpatterns = [
    *meeting_views.urls,
    *participant_views.urls,
    *topic_views.urls,
    *followup_views.urls,
    *moderation_views.urls,
]
