"""Pages of the threads side outside the threads namespace: the overview at the site root (the login's
landing page) and the customer card."""

from django.urls import path

from threads import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("customer/", views.card, name="customer_card"),
]
