from django.urls import path

from pramern.privacy import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/my-data/", views.my_data_page, name="my-data"),
    path("privacy/my-data/download/", views.my_data_download, name="my-data-download"),
    path("privacy/erase/<int:user_id>/", views.erase, name="erase"),
    path("privacy/retention/", views.retention, name="retention"),
    path("privacy/retention/<int:pk>/", views.purge, name="purge"),
    path("privacy/retention/<int:pk>/report.xlsx", views.purge_report, name="purge-report"),
]
