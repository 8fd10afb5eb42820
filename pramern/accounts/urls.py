from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from pramern.accounts import session_views, views

# Django's names (no namespace): its views and the admin's login template look them up.
urlpatterns = [
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
    # issue 12: sessions (a person's signed-in devices)
    path("account/sessions/", session_views.sessions, name="sessions"),
    path("account/sessions/<int:pk>/end/", session_views.end, name="session-end"),
    path("account/sessions/end-others/", session_views.end_others, name="sessions-end-others"),
    # The admin's login page offers "forgotten your password?" when this name exists; the admin's own
    # password change gives way to the site's (audited, in the site's look).
    path("admin/password_reset/", RedirectView.as_view(pattern_name="password_reset"), name="admin_password_reset"),
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
]
