"""The item page's read model: an item's records per fact (a page at a time), with their evidence
and the verdicts and verified values the reader may see, the item's
score per round, its history and its comment thread. Built on ``workspace.load_workspace``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from pramern.assessments.models import Assessment, Evidence, ItemAssignment, Record
from pramern.assessments.rounds import RoundStatus
from pramern.assessments.workspace import Workspace, load_workspace
from pramern.audit.models import AuditEntry
from pramern.organizations.models import Role
from pramern.organizations.permissions import access_for
from pramern.reports import caching
from pramern.review import services as review_services
from pramern.review import visibility
from pramern.review.models import Comment, Verdict
from pramern.scoring import ItemResult
from pramern.scoring.model import FactSpec, Item, Round

#: Entries of the item's history the page lists (newest first).
HISTORY_SHOWN = 50


@dataclass(frozen=True)
class RecordRow:
    record: Record
    fields: dict[str, Any]  # as this reader sees them (the evaluator's value only once visible)
    evidence: list[Evidence]
    can_change: bool
    verdict: Verdict | None  # None: none yet, or not visible to this reader
    urls: dict[str, str] = field(default_factory=dict)  # the record's forms: edit, delete, evidence file, link, attach


#: The record's own addresses (``RecordRow.urls``), by the name the template uses.
RECORD_URLS = {
    "edit": "workspace:record-edit",
    "delete": "workspace:record-delete",
    "file": "workspace:evidence-file",
    "link": "workspace:evidence-link",
    "attach": "workspace:evidence-attach",
}


def record_urls(assessment: Assessment, record_ids: list[int]) -> dict[int, dict[str, str]]:
    """Record id -> ``RECORD_URLS`` for it: one ``reverse`` per name, not per record (a page of
    records had nine each)."""
    mark = "2147483647"  # a record id no page shows, replaced by each record's
    patterns = {key: reverse(name, args=[assessment.pk, int(mark)]) for key, name in RECORD_URLS.items()}
    return {pk: {key: url.replace(f"/{mark}/", f"/{pk}/") for key, url in patterns.items()} for pk in record_ids}


@dataclass(frozen=True)
class FactRows:
    fact: FactSpec
    rows: list[RecordRow]
    page: Page[Record] | None  # None: the fact has no records


@dataclass(frozen=True)
class ItemPage:
    """The item page; the field names are the template's."""

    ws: Workspace
    assessment: Assessment
    item: Item
    facts: list[FactRows]
    result: ItemResult  # in the round the unit is working towards
    #: per round: self-assessed, verified (None: not visible), and the round's status, whose
    #: label (``rounds.round_label``) every pill shows
    results: list[tuple[Round, ItemResult, Any, RoundStatus]]
    current: RoundStatus  # the round the line table shows (``result``)
    can_edit: bool
    all_evidence: list[Evidence]  # to attach: the assessment's evidence, for those who may change it
    history: QuerySet[AuditEntry]
    comments: QuerySet[Comment]
    comment_url: str  # "": this reader does not write in the thread
    assignee: Any | None  # the unit's person looking after the item
    members: list[Any]  # whom the reader may give the item to ([]: the reader may not)


def item_html(
    request: HttpRequest, assessment: Assessment, item_code: str, render: Callable[[dict[str, Any]], str]
) -> SafeString:
    """The item page's content as the reader sees it, made by ``render(extra_context)`` once for
    each state of what it shows and then read from the cache: the assessment's revision (its
    records, evidence, verdicts, overrides, comments, round steps, the item's assignment and the
    unit's people move it: reports/caching.py), the day, the language, the reader (their rights,
    the verdicts and verified values they may see). Only the first page of each fact's records is
    kept (other pages are made for each reading: a page number could be anything). Its forms
    carry the reader's own CSRF token. No query of its own: ``assessment`` was read in this
    request, with its revision."""
    access = access_for(request.user)
    facts = assessment.framework.compiled().items_by_code[item_code].facts
    first_pages = all(caching.page_key(request.GET.get(f"page-{name}", "")) == "1" for name in facts)
    key = caching.key(
        "item",
        assessment.pk,
        assessment.revision,
        assessment.framework.source_sha256,
        item_code,
        get_language(),
        timezone.localdate(),
        request.user.pk,
        visibility.rule_key(access),
        int(access.can_edit(assessment.unit_id)),
    )
    return fresh_form_keys(caching.cached_html(key if first_pages else None, render, request))


#: A record form's one-time key as its hidden field prints it (forms.RecordForm.form_key).
_FORM_KEY = re.compile(r'(<input type="hidden" name="[\w-]*form_key" value=")[0-9a-f-]{36}(")')


def fresh_form_keys(html: SafeString) -> SafeString:
    """``html`` with a new one-time key in each form to add a record: a cached page is read many
    times, and each reading is a new form (the same key twice is one record, saved once)."""
    return mark_safe(_FORM_KEY.sub(lambda m: f"{m.group(1)}{uuid.uuid4()}{m.group(2)}", html))


def item_page(
    assessment: Assessment,
    item_code: str,
    user: Any,
    *,
    query: Mapping[str, str],
) -> ItemPage:
    """Item ``item_code`` (of the framework) of ``assessment`` as ``user`` sees it; each fact's
    records at the page ``query`` names (``page-<fact>=N``). A fixed number of queries; the forms
    to add records are the view's (``forms.record_form_classes``)."""
    workspace = load_workspace(assessment, with_verified=True)
    item = workspace.framework.items_by_code[item_code]
    access = access_for(user)
    can_edit = access.can_edit(assessment.unit_id) and not workspace.locks.read_only
    # Long lists are shown a page at a time: a page stays small whatever is stored.
    pages = {
        name: Paginator(records, settings.RECORDS_PER_PAGE).get_page(query.get(f"page-{name}"))
        for name, records in workspace.records_of(item).items()
    }
    evidence_by_record = Evidence.objects.by_record(r.pk for page in pages.values() for r in page.object_list)
    all_evidence = list(Evidence.objects.filter(assessment=assessment).order_by("-created_at")) if can_edit else []
    urls = record_urls(assessment, [r.pk for page in pages.values() for r in page.object_list]) if can_edit else {}
    verdicts_seen_until = visibility.verdicts_visible_until(user, assessment, workspace.unit_rounds)
    values_seen_until = visibility.verified_values_visible_until(user, assessment, workspace.unit_rounds)
    facts = [
        FactRows(
            fact=fact,
            rows=[
                RecordRow(
                    record=r,
                    fields=visibility.shown_fields(r, values_seen_until),
                    evidence=evidence_by_record.get(r.pk, []),
                    can_change=can_edit and workspace.can_change(r),
                    verdict=workspace.verdicts.get(r.pk) if r.date <= verdicts_seen_until else None,
                    urls=urls.get(r.pk, {}),
                )
                for r in (pages[name].object_list if name in pages else [])
            ],
            page=pages.get(name),
        )
        for name, fact in item.facts.items()
    ]
    history = AuditEntry.objects.for_item(assessment.pk, item.code)
    if verdicts_seen_until < workspace.framework.final_round.cutoff:
        history = history.exclude(action__startswith="pramern.verdict.").exclude(action__startswith="pramern.override.")
    visible = workspace.verified_visible_to(user)
    results = [
        (
            result.round,
            result.items[item.code],
            visible[code].items[item.code] if code in visible else None,
            workspace.locks.status(code),
        )
        for code, result in workspace.scores.by_round.items()
    ]
    assignment = ItemAssignment.objects.filter(assessment=assessment, item_code=item.code).select_related("assignee")
    assigns = access.can_edit(assessment.unit_id) and not workspace.locks.read_only
    members = {r.user_id: r.user for r in Role.objects.of_unit(assessment.unit_id)} if assigns else {}
    return ItemPage(
        ws=workspace,
        assessment=assessment,
        item=item,
        facts=facts,
        result=workspace.current_result.items[item.code],
        results=results,
        current=workspace.locks.current,
        can_edit=can_edit,
        all_evidence=all_evidence,
        history=history[:HISTORY_SHOWN],
        comments=Comment.objects.filter(assessment=assessment, item_code=item.code).select_related("author"),
        comment_url=reverse("workspace:comment", args=[assessment.pk, item.code])
        if review_services.writes_in_thread(user, assessment.unit_id)
        else "",
        assignee=next((a.assignee for a in assignment), None),
        members=list(members.values()),
    )
