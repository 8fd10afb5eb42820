"""bench/load_bench.py: its figures (percentiles, ratios, lost writes, memory growth), its
options, its form reading and multipart bodies; and a tiny real run (5 units, 2 clients, gunicorn
on loopback, PostgreSQL) whose summary lines must say no error and no lost write."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("load_bench", ROOT / "bench" / "load_bench.py")
assert _spec is not None and _spec.loader is not None
load_bench = importlib.util.module_from_spec(_spec)
sys.modules["load_bench"] = load_bench
_spec.loader.exec_module(load_bench)


def test_the_defaults_are_the_issues_setting():
    options = load_bench.parse_args([])
    assert (options.units, options.clients, options.workers, options.duration) == (1000, 8, 3, 30.0)
    assert options.database_url == os.environ.get("BENCH_DATABASE_URL", load_bench.DEFAULT_DATABASE_URL)
    assert (options.upload_mb, options.evidence_mb, options.file_every, options.fresh) == (100, 2, 4, False)
    assert (options.slices, options.profile, options.threads, options.conn_max_age) == (3, False, 4, 60)


def test_quick_shortens_the_phases_unless_a_duration_is_given():
    assert load_bench.parse_args(["--quick"]).duration == 12.0
    assert load_bench.parse_args(["--quick", "--duration", "4.5"]).duration == 4.5


def test_it_refuses_a_database_off_loopback(capsys):
    with pytest.raises(SystemExit) as stopped:
        load_bench.parse_args(["--database-url", "postgres://postgres@10.0.0.5:5432/pramern_bench"])
    assert stopped.value.code == 2
    assert "loopback only" in capsys.readouterr().err


def test_it_refuses_fewer_units_than_its_clients_need(capsys):
    with pytest.raises(SystemExit) as stopped:
        load_bench.parse_args(["--units", "9", "--clients", "8"])
    assert stopped.value.code == 2
    assert "--units must be at least --clients + 2 (10)" in capsys.readouterr().err


def test_percentiles_are_nearest_rank():
    times = [float(n) for n in range(1, 101)]  # 1 .. 100 ms
    assert load_bench.percentile(times, 0.5) == 50.0
    assert load_bench.percentile(times, 0.95) == 95.0
    assert load_bench.percentile([7.0], 0.95) == 7.0
    assert load_bench.percentile([], 0.5) == 0.0


def test_a_pages_throughput_counts_answers_not_errors():
    figures = load_bench.PageFigures("home", "alone", times_ms=[10.0] * 30, errors=5, seconds=10.0)
    assert figures.throughput == 3.0
    assert figures.requests == 35
    assert figures.line() == (
        "alone  home             3.0 req/s   p50    10.0 ms   p95    10.0 ms   (30 answered, 5 errors)"
    )


def test_turns_of_a_page_add_up_to_one_throughput():
    first = load_bench.Tally("alone")
    first.pages["home"] = load_bench.PageFigures("home", "alone", times_ms=[10.0] * 20, errors=1, seconds=4.0)
    second = load_bench.Tally("alone")
    second.pages["home"] = load_bench.PageFigures("home", "alone", times_ms=[30.0] * 10, seconds=6.0)
    home = load_bench.merged([first, second]).pages["home"]
    assert (len(home.times_ms), home.errors, home.seconds, home.throughput) == (30, 1, 10.0, 3.0)
    assert load_bench.percentile(home.times_ms, 0.95) == 30.0


def test_the_ratio_lines_are_each_page_over_the_trivial_view():
    lines = load_bench.ratio_lines(246.0, {"home": 30.7, "item": 31.0, "dashboard": 11.7})
    assert lines == ["ratio home 0.12", "ratio item 0.13", "ratio dashboard 0.05"]
    assert load_bench.ratio_lines(0.0, {"home": 3.0}) == ["ratio home 0.00", "ratio item 0.00", "ratio dashboard 0.00"]


def test_a_save_is_lost_when_missing_retitled_or_short_of_files():
    acked = [
        load_bench.AckedSave(1, "kept", 0),
        load_bench.AckedSave(2, "missing", 0),
        load_bench.AckedSave(3, "retitled", 0),
        load_bench.AckedSave(4, "with a file", 1),
        load_bench.AckedSave(5, "file lost", 1),
    ]
    stored = {
        1: load_bench.StoredRecord(1, "kept", 0),
        3: load_bench.StoredRecord(3, "other", 0),
        4: load_bench.StoredRecord(4, "with a file", 1),
        5: load_bench.StoredRecord(5, "file lost", 0),
    }
    assert [s.record for s in load_bench.lost_saves(acked, stored)] == [2, 3, 5]


def test_a_verdict_is_lost_unless_the_last_acknowledged_one_is_stored():
    acked = {10: "accepted", 11: "needs_revision", 12: "accepted"}
    stored = {10: "accepted", 11: "accepted"}
    assert load_bench.lost_verdicts(acked, stored) == [11, 12]


def test_memory_growth_is_the_largest_workers_peak_over_its_start():
    mb = load_bench.MB
    before = {100: 120 * mb, 101: 118 * mb}
    peak = {100: 121 * mb, 101: 160 * mb}
    assert load_bench.rss_growth_mb(before, peak) == 42.0
    assert load_bench.rss_growth_mb(before, before) == 0.0


def test_forms_are_read_with_their_fields_options_and_files():
    html = """
    <form method="post" enctype="multipart/form-data" action="/a/7/items/6.1/records/flowcharts/new/">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input type="hidden" name="flowcharts-form_key" value="k-1">
      <input type="text" name="flowcharts-date">
      <select name="flowcharts-section"><option value="">—</option><option value="s1">ส่วนที่ 1</option></select>
      <input type="checkbox" name="flowcharts-meets_standard">
      <textarea name="flowcharts-note"></textarea>
      <input type="file" name="flowcharts-evidence-files" multiple>
      <button type="submit">บันทึก</button>
    </form>
    <form method="post" action="/review/a/9/R6/items/6.1/"><input type="hidden" name="kind" value="verdict">
      <input type="radio" name="status" value="accepted"><input type="radio" name="status" value="rejected"></form>
    """
    record, verdict = load_bench.forms_of(html)
    assert (record.action, record.method) == ("/a/7/items/6.1/records/flowcharts/new/", "post")
    assert record.fields == [
        ("csrfmiddlewaretoken", "tok"),
        ("flowcharts-form_key", "k-1"),
        ("flowcharts-date", ""),
        ("flowcharts-note", ""),
    ]
    assert record.selects == {"flowcharts-section": ["", "s1"]}
    assert record.files == ["flowcharts-evidence-files"]
    assert verdict.value("kind") == "verdict"
    assert verdict.radios == {"status": ["accepted", "rejected"]}


def test_a_multipart_body_is_as_long_as_it_says_and_streams_the_file():
    chunks, length = load_bench.multipart_parts(
        "XyZ", [("title", "ชื่อ")], [("files", "a.pdf", 600_000, load_bench.pdf_head("m1"))]
    )
    body = b"".join(chunks)
    assert len(body) == length
    assert body.startswith(b'--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\n' + "ชื่อ".encode())
    assert b'name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n' in body
    assert body.endswith(b"\r\n--XyZ--\r\n")


def _postgres_url() -> str:
    """The bench's own small database, on the PostgreSQL of DATABASE_URL or 127.0.0.1:5432."""
    configured = os.environ.get("DATABASE_URL", "")
    base = configured if configured.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"
    return urlsplit(base)._replace(path="/pramern_load_bench_test").geturl()


@pytest.mark.slow
def test_a_tiny_run_against_gunicorn_loses_nothing():
    psycopg = pytest.importorskip("psycopg")
    url = _postgres_url()
    try:
        psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl()).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL on loopback")
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_bench.py"),
            *("--units", "5", "--clients", "2", "--duration", "1.5", "--upload-mb", "5"),
            *("--database-url", url, "--redis-db", "14", "--fresh"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert "errors 0" in lines, run.stdout
    assert "lost writes 0" in lines, run.stdout
    assert [line.split()[1] for line in lines if re.fullmatch(r"ratio (home|item|dashboard) \d+\.\d\d", line)] == [
        "home",
        "item",
        "dashboard",
    ]
    upload = next(line for line in lines if line.startswith("upload 5MB rss +"))
    assert re.fullmatch(r"upload 5MB rss \+\d+ MB", upload)
    saves = re.search(r"(\d+) saves and (\d+) verdicts acknowledged", run.stdout)
    assert saves is not None and int(saves.group(1)) >= 1, run.stdout
