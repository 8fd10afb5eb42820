from django.urls import path

from pramern.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/scores.<slug:identifier>", views.scores_download, name="scores"),
    path("reports/consolidated/", views.start_consolidated_pdf, name="consolidated"),
    path("reports/jobs/", views.my_jobs, name="jobs"),
    path("reports/jobs/<uuid:job_id>/", views.job, name="job"),
    path("reports/jobs/<uuid:job_id>/download/", views.job_download, name="job-download"),
    path("a/<int:pk>/scorecard.pdf", views.scorecard_pdf, name="scorecard-pdf"),
    path("a/<int:pk>/evidence.zip", views.start_evidence_zip, name="evidence-zip"),
]
