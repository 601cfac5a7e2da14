from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from crm import views
from crm.shoplink import views as shoplink_views

# The admin's "View site" leads to the CRM overview (spec 5).
admin.site.site_url = reverse_lazy("overview")
admin.site.site_header = _("Customer service · administration")
admin.site.site_title = _("Customer service · administration")

urlpatterns = [
    path("", include("threads.site_urls")),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/language/", views.language, name="language"),
    path("preferences/notifications/", views.browser_notifications, name="browser_notifications"),
    path("shop/signin/", shoplink_views.shop_signin, name="shop_signin"),
    path("shop/api/", include("threads.shop_api_urls")),
    path("admin/", admin.site.urls),
    path("search/", include("search.urls")),
    path("", include("threads.urls")),
    path("personal-data/", include("threads.gdpr.urls")),
    path("cron/", include("pok.urls")),
    path("stats/", include("threads.stats.urls")),
]
