from django.urls import path

from pramern.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<code:code>/<code:version>/", views.framework_detail, name="detail"),
    path(
        "frameworks/<code:code>/<code:version>/compare/<code:code2>/<code:version2>/",
        views.framework_compare,
        name="compare",
    ),
    path(
        "frameworks/<code:code>/<code:version>/authoring.xlsx",
        views.authoring_workbook,
        name="authoring_workbook",
    ),
    path("frameworks/<code:code>/<code:version>/guideline.pdf", views.guideline, {"fmt": "pdf"}, name="guideline-pdf"),
    path(
        "frameworks/<code:code>/<code:version>/guideline.docx",
        views.guideline,
        {"fmt": "docx"},
        name="guideline-docx",
    ),
]
