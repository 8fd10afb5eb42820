from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pramern.accounts import oidc_views
from pramern.accounts import views as accounts_views

admin.site.site_header = _("Pramern administration")
admin.site.site_title = _("Pramern")
admin.site.index_title = _("Organisation, people, frameworks and rounds")
handler400 = "pramern.ui.views.bad_request"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pramern.accounts.urls")),  # before admin/: it holds admin/password_reset/
    path("admin/", admin.site.urls),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", oidc_views.LogoutView.as_view(), name="logout"),  # at the OpenID Connect provider too
    path("account/two-factor/", include("pramern.accounts.twofactor_urls")),
    path("", include("pramern.frameworks.urls")),
    path("", include("pramern.studio.urls")),
    path("", include("pramern.review.urls")),
    path("", include("pramern.dashboards.urls")),
    path("", include("pramern.reports.urls")),
    path("", include("pramern.notifications.urls")),
    path("", include("pramern.search.urls")),
    path("", include("pramern.help.urls")),
    path("", include("pramern.privacy.urls")),
    path("", include("pramern.assessments.urls")),
]
