"""Dates show in the Buddhist era and in Bangkok time: 06:52 on 26 Nov in Bangkok is 25 Nov in UTC."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from pramern.ui.templatetags.pramern import bedate


def test_a_moment_is_dated_in_bangkok_not_utc():
    moment = dt.datetime(2026, 11, 25, 23, 52, tzinfo=dt.UTC)  # 06:52 on 26 Nov in Bangkok
    with translation.override("th"):
        assert bedate(moment) == "26 พ.ย. 2569"
        rendered = Template('{% load pramern %}{{ when|bedate }} {{ when|time:"H:i" }}').render(
            Context({"when": moment})
        )
    assert rendered == "26 พ.ย. 2569 06:52"


def test_a_day_is_a_day():
    with translation.override("th"):
        assert bedate(dt.date(2024, 7, 25)) == "25 ก.ค. 2567"
        assert bedate("2024-07-25") == "25 ก.ค. 2567"
