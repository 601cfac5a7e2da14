"""What the PrestaShop module asks for, signed with the shared secret: not staff pages, no login."""

from django.urls import path

from threads import shop_api

urlpatterns = [
    path("threads/", shop_api.customer_threads, name="shop_api_threads"),
]
