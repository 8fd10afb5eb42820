"""Refusals and errors are pages in Thai with the site around them, not bare English."""

from __future__ import annotations

from django.template.loader import render_to_string


def test_a_refusal_is_a_thai_page_with_a_way_back(client, world):
    client.force_login(world.alice)
    response = client.get("/dashboard/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์" in page and 'href="/"' in page and "ออกจากระบบ" in page


def test_a_missing_page_is_a_thai_page(client, world):
    client.force_login(world.bob)
    response = client.get(f"/a/{world.a.pk}/")  # another unit's workspace: not disclosed
    assert response.status_code == 404
    assert "ไม่พบหน้านี้" in response.content.decode()


def test_the_server_error_page_needs_nothing_from_the_request():
    page = render_to_string("500.html")
    assert "ระบบขัดข้องชั่วคราว" in page and '<a href="/">' in page
