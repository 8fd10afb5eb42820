"""The cluster's people and unit, made in its scratch database after ``migrate`` and
``load_framework --replace``: ``python seed.py PASSWORD``, run like the cluster's processes (its
environment, a host's code folder). Prints the unit's assessment id.

One unit (the Bureau of Agricultural Economic Research) with its FY2567 assessment open for
records; its officer alice and director dan; the evaluator eve; the executive xena, who asks for
the consolidated PDF (an office-wide role without a second factor, so the browser needs no
authenticator app)."""

from __future__ import annotations

import datetime as dt
import sys

import django


def seed(password: str) -> int:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from pramern.assessments.models import Assessment
    from pramern.frameworks.models import Framework, RoundSchedule
    from pramern.organizations.models import Role, Section, Unit

    with transaction.atomic():
        framework = Framework.objects.get(code="oae-2567")
        today = dt.date.today()  # deadlines ahead, so that the workspace takes records
        RoundSchedule.objects.filter(framework=framework, round_code="R6").update(
            submission_deadline=today + dt.timedelta(days=10)
        )
        RoundSchedule.objects.filter(framework=framework, round_code="R12").update(
            submission_deadline=today + dt.timedelta(days=40)
        )
        unit = Unit.objects.create(code="oae-bapp", name_th="สำนักวิจัยเศรษฐกิจการเกษตร", kind=Unit.Kind.BUREAU)
        Section.objects.create(unit=unit, code="s1", name_th="ส่วนที่ 1", position=1)
        assessment = Assessment.objects.create(unit=unit, framework=framework, staff_counts={"R6": 40, "R12": 40})
        for username, kind, first_name in (
            ("alice", Role.Kind.OFFICER, "อลิส"),
            ("dan", Role.Kind.DIRECTOR, "แดน"),
            ("eve", Role.Kind.EVALUATOR, "อีฟ"),
            ("xena", Role.Kind.EXECUTIVE, "ซีนา"),
        ):
            user = get_user_model().objects.create_user(username=username, password=password, first_name=first_name)
            Role.objects.create(user=user, kind=kind, unit=unit if kind in Role.UNIT_KINDS else None)
    return int(assessment.pk)


if __name__ == "__main__":
    django.setup()
    print(seed(sys.argv[1]))
