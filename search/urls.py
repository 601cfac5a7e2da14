from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("customers/", views.customers, name="customers"),
    path("recipients/", views.recipients, name="recipients"),
]
