"""Fiscal years: the rule, the years offered, the current year, the year a request chooses, the
landing, a unit's history across years and the year-over-year change by dimension."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from pramern.assessments import years
from pramern.frameworks.services import install_framework
from pramern.organizations.models import Role
from pramern.reports.models import ScoreCard
from pramern.reports.scorecards import refresh
from pramern.review.services import set_verdict, transition
from pramern.scoring.yamlio import dump_framework, load_text
from tests.factories import assessment, page_queries, person, record, unit
from tests.years import TwoYears, install_next_year, next_year_text


def request(query: str = ""):
    return RequestFactory().get(f"/?{query}")


def refresh_all(*assessments):
    for a in assessments:
        refresh(a)


# ----------------------------------------------------------------------------- the rule


def test_a_fiscal_year_runs_from_october_to_september_in_the_buddhist_era():
    assert years.fiscal_year_of(dt.date(2023, 9, 30)) == 2566
    assert years.fiscal_year_of(dt.date(2023, 10, 1)) == 2567
    assert years.fiscal_year_of(dt.date(2024, 9, 30)) == 2567
    assert years.fiscal_year_bounds(2567) == (dt.date(2023, 10, 1), dt.date(2024, 9, 30))
    assert years.fiscal_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_a_framework_is_of_the_year_holding_its_final_cut_off(fw2567):
    # FY2567's rounds start on 1 Aug 2023 (FY2566) and close on 31 Jul 2024 (FY2567)
    assert fw2567.rounds[0].starts == dt.date(2023, 8, 1)
    assert years.framework_fiscal_year(fw2567) == 2567


def test_the_label_is_thai():
    with translation.override("th"):
        assert years.year_label(2567) == "ปีงบประมาณ 2567"


# ----------------------------------------------------------------------------- the years offered


def test_the_years_are_those_with_assessments_newest_first(world):
    two = TwoYears(world)
    install_next_year(code="oae-2569", years=2)  # installed, nobody assessed under it yet
    assert [(y.number, y.key, y.framework) for y in years.fiscal_years()] == [
        (2568, "2568", two.new),
        (2567, "2567", world.framework),
    ]
    assert years.current_year().framework == two.new
    assert [y.number for y in years.installed_years()] == [2569, 2568, 2567]


def test_without_any_assessment_the_current_year_is_the_newest_installed(db):
    older = install_framework(next_year_text(code="oae-2566", years=-1), "oae-2566.yaml").framework
    newer = install_next_year()
    assert years.fiscal_years() == []
    assert years.current_year().framework == newer
    assert years.current_year().framework != older


def test_no_framework_is_a_404(db):
    with pytest.raises(Http404):
        years.current_year()
    with pytest.raises(Http404):
        years.chosen_year(request())


def test_two_versions_of_one_year_are_told_apart_by_their_key(world):
    patched = install_framework(next_year_text(code="oae-2567", version="2", years=0), "v2.yaml").framework
    assessment(unit("oae-x", "หน่วยทดสอบ"), patched)
    found = years.fiscal_years()
    assert [(y.key, y.framework) for y in found] == [("2567", patched), ("oae-2567@1", world.framework)]
    with translation.override("th"):
        assert found[1].label == "ปีงบประมาณ 2567 (ฉบับที่ 1)"
    assert years.chosen_year(request("year=oae-2567@1")).framework == world.framework
    assert years.chosen_year(request("year=2567")).framework == patched


def test_a_request_chooses_a_year_or_gets_the_current_one(world):
    two = TwoYears(world)
    assert years.chosen_year(request()).framework == two.new
    chosen = years.chosen_year(request("year=2567"))
    assert chosen.framework == world.framework and not chosen.is_current and chosen.previous is None
    assert years.chosen_year(request("year=2568")).previous.framework == world.framework
    for unknown in ("2599", "abc", "oae-2599@1", "2566"):
        with pytest.raises(Http404):
            years.chosen_year(request(f"year={unknown}"))


def test_year_links_keep_the_other_filters_but_not_the_round(world):
    TwoYears(world)
    choice = years.chosen_year(request("year=2568&kind=bureau&kind=centre&round=R6"))
    links = choice.links(request("year=2568&kind=bureau&kind=centre&round=R6").GET)
    assert [(link.href, link.selected) for link in links] == [
        ("?kind=bureau&kind=centre&year=2568", True),
        ("?kind=bureau&kind=centre&year=2567", False),
    ]


# ----------------------------------------------------------------------------- the landing


def test_a_unit_person_lands_on_the_current_year_and_may_open_last_year(client, world):
    two = TwoYears(world)
    client.force_login(world.alice)
    assert client.get("/")["Location"] == f"/a/{two.a2.pk}/"
    assert client.get("/?year=2567")["Location"] == f"/a/{world.a.pk}/"
    assert client.get("/?year=2599").status_code == 404
    home = client.get(f"/a/{two.a2.pk}/").content.decode()
    assert "ปีงบประมาณ 2568" in home
    assert f'href="/units/{world.unit_a.code}/history/"' in home  # the way to last year's


def test_a_unit_without_an_assessment_this_year_lands_on_its_newest(client, world):
    TwoYears(world)
    old_only = unit("oae-old", "หน่วยงานปีก่อน")
    old = assessment(old_only, world.framework)
    carol = person("carol", "officer", old_only)
    client.force_login(carol)
    assert client.get("/")["Location"] == f"/a/{old.pk}/"
    assert client.get("/?year=2568").status_code == 404


def test_office_wide_people_land_on_the_current_years_units(client, world):
    two = TwoYears(world)
    client.force_login(world.xena)
    page = client.get("/").content.decode()
    assert f'href="/a/{two.a2.pk}/"' in page and f'href="/a/{world.a.pk}/"' not in page
    assert "ปีงบประมาณ 2568" in page and 'href="?year=2567"' in page
    last_year = client.get("/?year=2567").content.decode()
    assert f'href="/a/{world.a.pk}/"' in last_year and f'href="/a/{two.a2.pk}/"' not in last_year
    assert client.get("/?year=2599").status_code == 404


# ----------------------------------------------------------------------------- a unit's history


def scored_two_years(world, *, last_year_in_review=False):
    """Unit A: 1 point in FY2567 (one follow-up), 2 in FY2568 (two) and 2.1's plan; stored cards.
    ``last_year_in_review``: FY2567's R12 submitted and in review before FY2568 opens (once it has
    opened, FY2567 takes no submission)."""
    record(world.a, "1.2.2", "followups", "2024-03-15", presented_to_director=True)
    if last_year_in_review:
        transition(world.a, "R12", "submit", user=world.dan)
        transition(world.a, "R12", "start_review", user=world.eve)
    two = TwoYears(world)
    record(two.a2, "1.2.2", "followups", "2025-03-15", presented_to_director=True)
    record(two.a2, "1.2.2", "followups", "2025-05-20", presented_to_director=True)
    record(two.a2, "2.1", "plan", "2024-10-01", sent_to_planning=True, signed_or_presented=True)
    refresh_all(world.a, world.b, two.a2, two.b2)
    return two


def cell(page: str, year: str, round_code: str) -> list[str]:
    row = page.split(f'<tr data-year="{year}" data-round="{round_code}">')[1].split("</tr>")[0]
    return [c.split("</td>")[0].strip() for c in row.split('<td class="num">')[1:4]]


def comparison_row(page: str, table: str, code: str) -> list[str]:
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    row = body.split(f'data-dimension="{code}"')[1].split("</tr>")[0]
    return [c.strip() for c in re.findall(r'<td class="num[^"]*">([^<]*)', row)]


def test_who_may_open_a_units_history(client, world):
    TwoYears(world)
    url = f"/units/{world.unit_a.code}/history/"
    assert client.get(url)["Location"].startswith("/login/")
    client.force_login(world.bob)
    assert client.get(url).status_code == 404  # another unit's: not disclosed
    for persona in ("alice", "dan", "eve", "xena", "adam"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 200, persona
    assert client.get("/units/no-such-unit/history/").status_code == 404


def test_the_history_lists_every_year_with_its_stored_totals(client, world):
    two = scored_two_years(world)
    client.force_login(world.alice)
    page = client.get(f"/units/{world.unit_a.code}/history/").content.decode()
    assert page.index("ปีงบประมาณ 2568") < page.index("ปีงบประมาณ 2567")
    for a, year in ((world.a, "2567"), (two.a2, "2568")):
        for card in ScoreCard.objects.filter(assessment=a):
            # self-assessed, verified (not begun: "–"), potential, as stored
            expected = [f"{card.self_total.normalize():f}", "–", f"{card.potential.normalize():f}"]
            assert cell(page, year, card.round_code) == expected
        assert f'href="/a/{a.pk}/"' in page and f'href="/a/{a.pk}/scorecard/"' in page
    assert cell(page, "2568", "R12")[0] == "4"  # 2 follow-ups and the plan
    assert cell(page, "2567", "R12")[0] == "1"


def test_the_year_over_year_change_per_dimension_is_read_from_the_cards(client, world):
    two = scored_two_years(world)
    client.force_login(world.alice)
    page = client.get(f"/units/{world.unit_a.code}/history/").content.decode()
    this = ScoreCard.objects.get(assessment=two.a2, round_code="R12").self_dimensions
    last = ScoreCard.objects.get(assessment=world.a, round_code="R12").self_dimensions
    for code in ("1", "2", "3", "4", "5", "6", "7"):
        difference = Decimal(this[code]) - Decimal(last[code])
        shown = comparison_row(page, "table-yoy", code)
        assert shown[0] == f"{Decimal(last[code]).normalize():f}"
        assert shown[1] == f"{Decimal(this[code]).normalize():f}"
        assert shown[2] == ("+" if difference > 0 else "") + f"{difference.normalize():f}"
    assert comparison_row(page, "table-yoy", "1") == ["1", "2", "+1"]
    assert comparison_row(page, "table-yoy", "2") == ["0", "2", "+2"]
    assert "ด้านที่ไม่มีคู่ในอีกปี" not in page  # every dimension matched
    assert 'id="table-yoy-verified"' not in page  # no verified score the unit may see yet
    # the oldest year has nothing before it
    oldest = client.get(f"/units/{world.unit_a.code}/history/?year=2567").content.decode()
    assert 'id="table-yoy"' not in oldest and "ปีแรกสุดไม่มีปีก่อนหน้า" in oldest
    assert client.get(f"/units/{world.unit_a.code}/history/?year=2599").status_code == 404


def test_verified_points_are_compared_for_those_who_may_see_them(client, world):
    two = scored_two_years(world, last_year_in_review=True)
    transition(two.a2, "R12", "submit", user=world.dan)
    transition(two.a2, "R12", "start_review", user=world.eve)
    set_verdict(two.a2.records.filter(item_code="1.2.2").first(), "accepted", user=world.eve)
    refresh_all(world.a, two.a2)
    client.force_login(world.eve)
    page = client.get(f"/units/{world.unit_a.code}/history/").content.decode()
    this = Decimal(ScoreCard.objects.get(assessment=two.a2, round_code="R12").verified_dimensions["1"])
    last = Decimal(ScoreCard.objects.get(assessment=world.a, round_code="R12").verified_dimensions["1"])
    assert (last, this) == (0, 1)  # one of the two follow-ups accepted; none last year
    assert comparison_row(page, "table-yoy-verified", "1") == ["0", "1", "+1"]
    assert comparison_row(page, "table-yoy", "1") == ["1", "2", "+1"]  # self-assessed beside it
    assert cell(page, "2568", "R12")[1] != "–"
    client.force_login(world.alice)  # the unit sees verified scores once verified, not while in review
    page = client.get(f"/units/{world.unit_a.code}/history/").content.decode()
    assert 'id="table-yoy-verified"' not in page and cell(page, "2568", "R12")[1] == "–"


def test_dimensions_without_a_match_are_listed_apart(client, world):
    two = TwoYears(world, renumber={"7": "8"})
    record(world.a, "7.6", "activities", "2024-04-01", director_took_part=True)
    refresh_all(world.a, two.a2)
    client.force_login(world.alice)
    page = client.get(f"/units/{world.unit_a.code}/history/").content.decode()
    matched = page.split('id="table-yoy"')[1].split("</table>")[0]
    assert 'data-dimension="7"' not in matched and 'data-dimension="8"' not in matched
    assert 'data-dimension="6"' in matched
    unmatched = page.split('id="table-yoy"')[1].split("</table>")[1]
    assert 'data-only="this" data-dimension="8"' in unmatched
    last_points = ScoreCard.objects.get(assessment=world.a, round_code="R12").self_dimensions["7"]
    assert Decimal(last_points) > 0
    only_last = unmatched.split('data-only="last" data-dimension="7">')[1].split("</li>")[0]
    assert f": {Decimal(last_points).normalize():f} / 40" in only_last


def test_a_dimension_whose_items_changed_is_marked(world, fw2567):
    text = next_year_text().replace("code: 1.1.1\n", "code: 1.1.9\n", 1)
    changed = install_framework(text, "oae-2568.yaml").framework
    old = years.FiscalYear(2567, world.framework, "2567", True)
    new = years.FiscalYear(2568, changed, "2568", True)
    comparison = years.compare_years(new, old, {"1": Decimal(3)}, {"1": Decimal(5)})
    by_code = {d.code: d for d in comparison.matched}
    assert by_code["1"].items_changed and not by_code["2"].items_changed
    assert by_code["1"].difference == Decimal(-2)
    assert by_code["2"].this_year == Decimal(0)


def test_a_renumbered_item_the_framework_maps_leaves_its_dimension_unmarked(world):
    document = load_text(next_year_text().replace("code: 1.1.1\n", "code: 1.1.9\n", 1), "oae-2568.yaml")
    document["previous"] = {"code": "oae-2567", "version": "1", "items": {"1.1.1": "1.1.9"}}
    mapped = install_framework(dump_framework(document), "oae-2568.yaml").framework
    old = years.FiscalYear(2567, world.framework, "2567", True)
    new = years.FiscalYear(2568, mapped, "2568", True)
    by_code = {d.code: d for d in years.compare_years(new, old, None, None).matched}
    assert not by_code["1"].items_changed
    assert by_code["1"].difference is None  # no score cards: nothing to compare


def test_the_history_query_count_grows_with_neither_units_nor_years(client, world):
    client.force_login(world.alice)
    url = f"/units/{world.unit_a.code}/history/"
    refresh_all(world.a)
    page_queries(client, url)
    one_year = page_queries(client, url)
    two = TwoYears(world)
    for n in range(6):
        extra = unit(f"oae-x{n}", f"หน่วยงานทดสอบ {n}")
        refresh_all(assessment(extra, world.framework), assessment(extra, two.new))
    refresh_all(two.a2)
    page_queries(client, url)  # warm the second framework's compiled cache
    # 1 session, 2 user, 3 unit, 4 roles, 5 the unit's assessments with frameworks, 6 their score cards,
    # 7 the bell's unread count (the header)
    assert page_queries(client, url) == one_year == 7


def test_junk_years_are_not_found(client, world):
    TwoYears(world)
    client.force_login(world.adam)  # office-wide and of the Centre: every page below is his
    for junk in ("²", "2567%00", "%E0%B9%92%E0%B9%95%E0%B9%96%E0%B9%97", "-1", "oae-2567@"):
        for url in (
            "/",
            "/dashboard/",
            "/dashboard/years/",
            "/review/",
            "/reports/scores.csv",
            "/units/oae-bapp/history/",
        ):
            assert client.get(f"{url}?year={junk}").status_code == 404, (url, junk)


def test_a_person_of_two_units_gets_the_years_list_of_them(client, world):
    two = TwoYears(world)
    Role.objects.create(user=world.alice, kind="officer", unit=world.unit_b)
    client.force_login(world.alice)
    page = client.get("/").content.decode()
    assert f'href="/a/{two.a2.pk}/"' in page and f'href="/a/{two.b2.pk}/"' in page
    assert f'href="/a/{world.a.pk}/"' not in page
    last_year = client.get("/?year=2567").content.decode()
    assert f'href="/a/{world.a.pk}/"' in last_year and f'href="/a/{world.b.pk}/"' in last_year
