"""The frameworks list by fiscal year: the current year's by default, another or all when chosen."""

from __future__ import annotations

from tests.years import TwoYears, install_next_year


def listed(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [row.split('href="/frameworks/')[1].split('"')[0] for row in body.split("<tr>")[1:] if "href" in row]


def test_the_list_shows_the_current_year_unless_another_is_chosen(client, world):
    TwoYears(world)
    install_next_year(code="oae-2569", years=2)  # installed, not yet assessed
    page = client.get("/frameworks/").content.decode()  # public, as the guideline is
    assert listed(page) == ["oae-2568/1/"]
    assert 'href="?year=2569"' in page and 'href="?year=2567"' in page and 'href="?year=all"' in page
    assert listed(client.get("/frameworks/?year=2567").content.decode()) == ["oae-2567/1/"]
    assert listed(client.get("/frameworks/?year=2569").content.decode()) == ["oae-2569/1/"]
    assert listed(client.get("/frameworks/?year=all").content.decode()) == ["oae-2569/1/", "oae-2568/1/", "oae-2567/1/"]
    for unknown in ("2599", "abc", "²", "2567\x00"):
        assert client.get(f"/frameworks/?year={unknown}").status_code == 404


def test_with_one_framework_and_no_assessment_it_is_listed(client, db):
    install_next_year()
    page = client.get("/frameworks/").content.decode()
    assert listed(page) == ["oae-2568/1/"] and "ปีงบประมาณ 2568" in page
