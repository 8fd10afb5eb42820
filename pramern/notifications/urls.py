from django.urls import path

from pramern.notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.read, name="read"),
    path("inbox/read-all/", views.read_all, name="read-all"),
    path("inbox/settings/", views.email_settings, name="settings"),
]
