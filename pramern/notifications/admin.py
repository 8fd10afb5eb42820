"""The notifications in the admin, to look up what was sent to whom: read-only, since they are
written only by ``services.deliver`` and marked read only by their recipient."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pramern.assessments.admin import ReadOnlyAdmin
from pramern.notifications.models import KINDS, Notification
from pramern.ui.text import bedate


def moment(when: dt.datetime) -> str:
    """The day in the Buddhist era (Thai) and the local time."""
    return f"{bedate(when)} {timezone.localtime(when):%H:%M}"


class KindFilter(admin.SimpleListFilter):
    """The kinds by their names (a kind no longer registered keeps its code)."""

    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        used = Notification.objects.order_by().values_list("kind", flat=True).distinct()
        return [(code, KINDS[code].label if code in KINDS else code) for code in sorted(used)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


class ReadFilter(admin.SimpleListFilter):
    title = gettext_lazy("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", gettext_lazy("unread")), ("yes", gettext_lazy("read"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "no":
            return queryset.unread()
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created", "recipient", "kind_name", "subject_th", "assessment_label", "read", "emailed")
    list_filter = (KindFilter, ReadFilter, "emailed", "created_at")
    list_select_related = ("recipient", "assessment__unit", "assessment__framework")
    search_fields = (
        "subject_th",
        "subject_en",
        "recipient__username",
        "recipient__first_name",
        "recipient__last_name",
        "assessment__unit__name_th",
    )
    ordering = ("-created_at", "-id")

    @admin.display(description=gettext_lazy("created"), ordering="created_at")
    def created(self, obj: Notification) -> str:
        return moment(obj.created_at)

    @admin.display(description=gettext_lazy("read at"), ordering="read_at")
    def read(self, obj: Notification) -> str:
        return moment(obj.read_at) if obj.read_at else "–"

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_name(self, obj: Notification) -> str:
        return obj.kind_label

    @admin.display(description=gettext_lazy("assessment"), ordering="assessment")
    def assessment_label(self, obj: Notification) -> str:
        return str(obj.assessment) if obj.assessment_id else "–"
