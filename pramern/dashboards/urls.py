from django.urls import path

from pramern.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/years/", views.year_over_year, name="years"),
    path("a/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
]
