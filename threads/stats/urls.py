from django.urls import path

from threads.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:table>.csv", views.csv_export, name="csv"),
]
