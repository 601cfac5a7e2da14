from django.urls import path

from threads.gdpr import views

app_name = "gdpr"

urlpatterns = [
    path("", views.person, name="person"),
    path("report.pdf", views.report, name="report"),
    path("disclosures/add/", views.disclosure_add, name="disclosure_add"),
    path("disclosures/<int:pk>/edit/", views.disclosure_edit, name="disclosure_edit"),
    path("disclosures/<int:pk>/delete/", views.disclosure_delete, name="disclosure_delete"),
    path("erase/", views.erase, name="erase"),
]
