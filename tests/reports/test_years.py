"""Office-wide downloads of the fiscal year asked for: the current one by default."""

from __future__ import annotations

from pramern.reports.models import ReportJob
from tests.years import TwoYears


def test_the_scores_download_is_of_the_chosen_year(client, world):
    TwoYears(world)
    client.force_login(world.eve)
    assert 'filename="oae-2568-scores.csv"' in client.get("/reports/scores.csv")["Content-Disposition"]
    last_year = client.get("/reports/scores.csv?year=2567")
    assert 'filename="oae-2567-scores.csv"' in last_year["Content-Disposition"]
    assert "สำนักวิจัยเศรษฐกิจการเกษตร" in last_year.content.decode("utf-8-sig")
    assert client.get("/reports/scores.xlsx?year=2599").status_code == 404
    client.force_login(world.alice)
    assert client.get("/reports/scores.csv?year=2567").status_code == 403


def test_the_consolidated_pdf_is_of_the_chosen_year_and_asked_again_for_it(client, world):
    """(The job runs after the commit, which a test in one transaction never makes: the PDF
    itself is tests/reports/test_jobs.py's.)"""
    TwoYears(world)
    client.force_login(world.eve)
    assert client.post("/reports/consolidated/", {"round": "R12", "year": "2599"}).status_code == 404
    response = client.post("/reports/consolidated/", {"round": "R12", "year": "2567"})
    job = ReportJob.objects.get()
    assert response["Location"] == f"/reports/jobs/{job.pk}/"
    assert job.params["framework"] == world.framework.pk
    assert job.filename == "oae-2567-R12-all-units.pdf"
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.EXPIRED)
    page = client.get("/reports/jobs/").content.decode()
    form = page.split('action="/reports/consolidated/"')[1].split("</form>")[0]
    assert 'name="round" value="R12"' in form and 'name="year" value="oae-2567@1"' in form
    assert client.post("/reports/consolidated/", {"round": "R12", "year": "oae-2567@1"}).status_code == 302
    assert ReportJob.objects.active().get().params["framework"] == world.framework.pk
