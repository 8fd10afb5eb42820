"""Help: the calendar of rounds, the Centre's contacts, the frameworks' guides and the glossary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pramern.help.calendar import round_calendar
from pramern.help.glossary import GLOSSARY
from pramern.help.models import Contact


@login_required
def help_page(request: HttpRequest) -> HttpResponse:
    calendar = round_calendar()
    return render(
        request,
        "help/index.html",
        {
            "calendar": calendar,
            "framework": calendar[0].framework if calendar else None,
            "contacts": list(Contact.objects.all()),
        },
    )


@login_required
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "help/glossary.html", {"terms": GLOSSARY})
