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
    path("studio/f/<code:code>/<code:version>/patch/", views.patch, name="patch"),
    path("studio/f/<code:code>/<code:version>/patch/draft/", views.start_patch, name="start-patch"),
    # the item editor's pages follow (pramern.studio.edits), then the dry run's
]

# issue 10, the item editor and the tree (pramern/studio/item_views.py)
from pramern.studio import item_views  # noqa: E402 - kept apart from the studio's own lines

urlpatterns += [
    path("studio/d/<int:pk>/tree/", item_views.tree, name="tree"),
    path("studio/d/<int:pk>/tree/add/", item_views.tree_add, name="tree_add"),
    path("studio/d/<int:pk>/tree/move/", item_views.tree_move, name="tree_move"),
    path("studio/d/<int:pk>/tree/remove/", item_views.tree_remove, name="tree_remove"),
    path("studio/d/<int:pk>/tree/renumber/", item_views.tree_renumber, name="tree_renumber"),
    path("studio/d/<int:pk>/tree/<code:code>/", item_views.node, name="node"),
    path("studio/d/<int:pk>/items/<code:code>/", item_views.item, name="item"),
    path("studio/d/<int:pk>/items/<code:code>/check/", item_views.check_condition, name="check_condition"),
    path("studio/d/<int:pk>/items/<code:code>/lines/new/", item_views.line_edit, name="line_new"),
    path("studio/d/<int:pk>/items/<code:code>/lines/<code:line>/", item_views.line_edit, name="line"),
    path("studio/d/<int:pk>/items/<code:code>/lines/<code:line>/remove/", item_views.line_remove, name="line_remove"),
    path("studio/d/<int:pk>/items/<code:code>/lines/<code:line>/move/", item_views.line_move, name="line_move"),
    path("studio/d/<int:pk>/items/<code:code>/facts/new/", item_views.fact_edit, name="fact_new"),
    path("studio/d/<int:pk>/items/<code:code>/facts/<code:name>/", item_views.fact_edit, name="fact"),
    path("studio/d/<int:pk>/items/<code:code>/facts/<code:name>/remove/", item_views.fact_remove, name="fact_remove"),
]

# issue 10, dry run: a draft scored against an installed framework's assessments
from pramern.studio import dryrun_views  # noqa: E402

urlpatterns += [path("studio/dry-run/", dryrun_views.dry_run_page, name="dry_run")]

# issue 10, the line-test editor: a line's example cases added, edited and removed in the browser
urlpatterns += [
    path("studio/d/<int:pk>/items/<code:code>/lines/<code:line>/tests/", item_views.line_test, name="line_test"),
]

# issue 11, the predecessor page: the draft's ``previous:`` chosen and mapped in the browser
from pramern.studio import predecessor_views  # noqa: E402

urlpatterns += [path("studio/d/<int:pk>/predecessor/", predecessor_views.predecessor, name="predecessor")]
