from django.urls import path

from pramern.help import views

app_name = "help"
urlpatterns = [
    path("help/", views.help_page, name="index"),
    path("help/glossary/", views.glossary, name="glossary"),
    path("help/<code:code>/<code:version>/items/<code:item>/", views.item_help, name="item"),
]
