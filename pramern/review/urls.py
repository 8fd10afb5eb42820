from django.urls import path

from pramern.review import views

app_name = "review"
urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/a/<int:pk>/history/", views.history, name="history"),
    path("review/a/<int:pk>/assign/", views.assign, name="assign"),
    path("review/a/<int:pk>/<code:round_code>/step/<slug:action>/", views.step, name="step"),
    path("review/a/<int:pk>/<code:round_code>/", views.unit_round, name="unit"),
    path("review/a/<int:pk>/<code:round_code>/items/<code:code>/", views.item, name="item"),
    path("review/a/<int:pk>/<code:round_code>/accept/", views.accept, name="accept"),
]
