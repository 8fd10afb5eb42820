"""Pages load only the scripts they use: the file drop's script (evidence.js) comes with the
pages that have a file drop (an item of the workspace, a record's edit page), not with every page."""

from __future__ import annotations

from tests.factories import record

EVIDENCE_JS = "/static/pramern/evidence.js"


def _scripts(page: str) -> str:
    return page.split("</head>")[0]


def test_pages_with_a_file_drop_load_the_evidence_script(client, world):
    rec = record(world.a, "1.2.2", "followups", "2024-03-01")
    client.force_login(world.alice)
    for url in (f"/a/{world.a.pk}/items/1.2.2/", f"/a/{world.a.pk}/records/{rec.pk}/edit/"):
        page = client.get(url).content.decode()
        assert 'class="file-drop' in page, url
        assert _scripts(page).count(EVIDENCE_JS) == 1, url


def test_pages_without_a_file_drop_do_not(client, world):
    client.force_login(world.alice)
    for url in (f"/a/{world.a.pk}/", "/help/", "/inbox/", f"/a/{world.a.pk}/evidence/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'class="file-drop' not in page and EVIDENCE_JS not in page, url
        assert "/static/pramern/site.js" in _scripts(page)  # the site's own script still loads
