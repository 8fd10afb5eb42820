from django.urls import path

from pramern.studio import views

app_name = "studio"
urlpatterns = [
    path("studio/", views.index, name="index"),
]
