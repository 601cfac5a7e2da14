from django.urls import path

from pok import views

app_name = "pok"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("run/<slug:job>/", views.run, name="run"),
]
