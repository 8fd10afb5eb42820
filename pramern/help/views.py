"""Help: the calendar of rounds, the Centre's contacts, the frameworks' guides and the glossary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from pramern.frameworks.models import Framework
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


@login_required
def item_help(request: HttpRequest, code: str, version: str, item: str) -> HttpResponse:
    """One item's help: its guidance, example evidence, the framework's assumptions about it (the
    guideline's FAQ), what a unit records for it, the glossary and the Centre's contacts."""
    framework = get_object_or_404(Framework.objects.defer("source"), code=code, version=version)
    found = framework.compiled().items_by_code.get(item)
    if found is None:
        raise Http404("No such item")
    context = {"framework": framework, "item": found, "contacts": list(Contact.objects.all())}
    return render(request, "help/item.html", context)
