from django.urls import path

from threads import stats_views

app_name = "stats"

urlpatterns = [
    path("", stats_views.overview, name="overview"),
    path("<slug:table>.csv", stats_views.csv_export, name="csv"),
]
