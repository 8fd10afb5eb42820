from django.urls import path, re_path

from pramern.assessments import views

app_name = "workspace"
urlpatterns = [
    path("", views.start, name="start"),
    path("a/<int:pk>/", views.home, name="home"),
    path("units/<slug:code>/history/", views.unit_history, name="unit-history"),
    path("a/<int:pk>/next/", views.next_steps, name="next"),
    path("a/<int:pk>/items/<code:code>/", views.item_detail, name="item"),
    path("a/<int:pk>/items/<code:code>/records/<code:fact>/new/", views.record_create, name="record-create"),
    path("a/<int:pk>/items/<code:code>/comments/", views.comment, name="comment"),
    path("a/<int:pk>/items/<code:code>/assign/", views.assign, name="assign"),
    path("a/<int:pk>/records/<int:record_pk>/edit/", views.record_edit, name="record-edit"),
    path("a/<int:pk>/records/<int:record_pk>/delete/", views.record_delete, name="record-delete"),
    path("a/<int:pk>/records/<int:record_pk>/evidence/file/", views.evidence_file, name="evidence-file"),
    path("a/<int:pk>/records/<int:record_pk>/evidence/link/", views.evidence_link, name="evidence-link"),
    path("a/<int:pk>/records/<int:record_pk>/evidence/attach/", views.evidence_attach, name="evidence-attach"),
    path(
        "a/<int:pk>/records/<int:record_pk>/evidence/<int:evidence_pk>/detach/",
        views.evidence_detach,
        name="evidence-detach",
    ),
    path("a/<int:pk>/evidence/", views.evidence_library_view, name="evidence-library"),
    path("a/<int:pk>/evidence/<int:evidence_pk>/reuse/", views.evidence_reuse, name="evidence-reuse"),
    path("a/<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("a/<int:pk>/staff/", views.staff_counts, name="staff"),
    path("a/<int:pk>/submit/<code:round_code>/", views.submit, name="submit"),
    re_path(r"^a/(?P<pk>\d+)/export\.(?P<fmt>yaml|json|xlsx)$", views.export, name="export"),
    path("a/<int:pk>/import/", views.import_view, name="import"),
    path("a/<int:pk>/import/preview/", views.import_preview_view, name="import-preview"),
    path("a/<int:pk>/carry-over/", views.carry_over_view, name="carry-over"),
    path("years/open/", views.open_year_view, name="open-year"),
    path("evidence/<int:evidence_pk>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:evidence_pk>/view/", views.evidence_view, name="evidence-view"),
]
