from django.urls import path

from pramern.studio import views

app_name = "studio"
urlpatterns = [
    path("studio/", views.index, name="index"),
]

# issue 10, dry run: a draft scored against an installed framework's assessments
from pramern.studio import dryrun_views  # noqa: E402

urlpatterns += [path("studio/dry-run/", dryrun_views.dry_run_page, name="dry_run")]
