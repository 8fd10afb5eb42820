from django.urls import path

from pramern.studio import views

app_name = "studio"
urlpatterns = [
    path("studio/", views.index, name="index"),
    path("studio/new/", views.start_clone, name="start-clone"),
    path("studio/upload/", views.start_upload, name="start-upload"),
    path("studio/d/<int:pk>/", views.draft, name="draft"),
    path("studio/d/<int:pk>/check/", views.check, name="check"),
    path("studio/d/<int:pk>/revisions/", views.revisions, name="revisions"),
    path("studio/d/<int:pk>/r<int:number>.yaml", views.download, name="download"),
    path("studio/d/<int:pk>/workbook.xlsx", views.workbook, name="workbook"),
    path("studio/d/<int:pk>/diff/", views.diff, name="diff"),
    path("studio/d/<int:pk>/compare/", views.compare_source, name="compare-source"),
    path("studio/d/<int:pk>/guideline.pdf", views.guideline, {"fmt": "pdf"}, name="guideline-pdf"),
    path("studio/d/<int:pk>/guideline.docx", views.guideline, {"fmt": "docx"}, name="guideline-docx"),
    path("studio/d/<int:pk>/publish/", views.publish, name="publish"),
    path("studio/f/<str:code>/<str:version>/patch/", views.patch, name="patch"),
    path("studio/f/<str:code>/<str:version>/patch/draft/", views.start_patch, name="start-patch"),
    # the item editor's pages follow (pramern.studio.edits), then the dry run's
]

# issue 10, dry run: a draft scored against an installed framework's assessments
from pramern.studio import dryrun_views  # noqa: E402

urlpatterns += [path("studio/dry-run/", dryrun_views.dry_run_page, name="dry_run")]
