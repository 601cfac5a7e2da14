"""Pages of the threads side outside the threads namespace: the overview at the site root (the login's
landing page), the customer card and /healthz."""

from django.urls import path

from threads import health, views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("customer/", views.card, name="customer_card"),
    path("healthz", health.healthz, name="healthz"),
]
