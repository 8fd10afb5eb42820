from django.urls import path

from pramern.accounts import twofactor_views as views

app_name = "two_factor"
urlpatterns = [
    path("", views.account, name="account"),
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.codes, name="codes"),
    path("recovery-codes/download/", views.codes_download, name="codes-download"),
    path("recovery-codes/new/", views.codes_new, name="codes-new"),
    path("off/", views.turn_off, name="off"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/reset/", views.reset, name="reset"),
]
