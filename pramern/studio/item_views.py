"""The studio's item editor and tree (administrators and framework editors only).

Each view: ``editable_draft`` (login, ``require_framework_editor``, the draft; a published draft refuses
changes with 403) → one read model (``item_page``) or one workflow (``editing.edit_draft`` with an
edit of ``pramern.studio.edits``) → render or redirect. A refused edit keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pramern.errors import UserError
from pramern.organizations.permissions import require_framework_editor
from pramern.scoring import format_points
from pramern.scoring.numbers import NumberProblem, parse_number
from pramern.studio import conditions, edits
from pramern.studio.editing import edit_draft
from pramern.studio.edits import Document, EditError
from pramern.studio.item_forms import (
    AddNodeForm,
    CodeForm,
    FactForm,
    ItemTextsForm,
    LineForm,
    LineTestForm,
    MoveForm,
    NodeForm,
    records_example,
)
from pramern.studio.item_page import (
    ItemPage,
    item_facts,
    item_page,
    live_line_tests,
    parent_choices,
    revision_state,
    tree_rows,
)
from pramern.studio.models import FrameworkDraft


def editable_draft(request: HttpRequest, pk: int) -> FrameworkDraft:
    """The draft for the studio's editors; a change (POST) to a published draft is refused."""
    require_framework_editor(request)
    draft = get_object_or_404(FrameworkDraft, pk=pk)
    if request.method == "POST" and not draft.is_editable:
        raise PermissionDenied("A published draft cannot be changed")
    return draft


def _page(draft: FrameworkDraft, code: str) -> ItemPage:
    try:
        return item_page(draft, code)
    except EditError:
        raise Http404("No such item in this draft") from None


def _base(request: HttpRequest) -> int | None:
    value = request.POST.get("base", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def save_edit(
    request: HttpRequest, draft: FrameworkDraft, summary: str, change: Callable[[Document], Document]
) -> UserError | None:
    """Apply and save one edit; the refusal, if any (the caller shows it with what was typed)."""
    try:
        edit_draft(draft, request.user, summary, change, base=_base(request))
    except UserError as exc:
        return exc
    messages.success(request, _("Saved: %(summary)s") % {"summary": summary})
    return None


def _item_url(draft: FrameworkDraft, code: str) -> str:
    return reverse("studio:item", args=[draft.pk, code])


# --------------------------------------------------------------------------- the item


@login_required
def item(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """An item of a draft: its texts (saved here), facts, lines and the draft's validation."""
    draft = editable_draft(request, pk)
    page = _page(draft, code)
    error = None
    if request.method == "POST":
        form = ItemTextsForm.for_item(page.item, request.POST)
        if form.is_valid():
            summary = _("%(code)s: edit the item's texts") % {"code": code}
            error = save_edit(request, draft, summary, lambda doc: edits.set_texts(doc, code, **form.values()))
            if error is None:
                return redirect(_item_url(draft, code))
    else:
        form = ItemTextsForm.for_item(page.item)
    return render(request, "studio/item/item.html", {"draft": draft, "page": page, "form": form, "error": error})


# --------------------------------------------------------------------------- lines


@login_required
def line_edit(request: HttpRequest, pk: int, code: str, line: str | None = None) -> HttpResponse:
    """Add (``line`` None) or edit a scoring line, with the condition builder and live check."""
    draft = editable_draft(request, pk)
    page = _page(draft, code)
    current = next((row.data for row in page.lines if row.id == line), None)
    if line is not None and current is None:
        raise Http404("No such line")
    options = {"rounds": page.round_codes, "facts": page.facts, "item_points": page.item_points}
    error = None
    if request.method == "POST" and request.POST.get("action") == "build":
        form = LineForm(request.POST, **options)
        try:
            built = form.built()
        except ValidationError as exc:
            error = UserError(" ".join(exc.messages))
            built = None
        initial = {
            key: request.POST.get(key, "") for key in request.POST if key not in ("terms", "csrfmiddlewaretoken")
        }
        initial["terms"] = request.POST.getlist("terms")
        initial["assumed"] = bool(request.POST.get("assumed"))
        if built is not None:
            target = "points_from" if request.POST.get("shape") == "best" else "when"
            initial[target] = built
            initial["kind"] = target
        form = LineForm(initial=initial, **options)
        form.check = _check_of(initial, page)
    elif request.method == "POST":
        form = LineForm(request.POST, **options)
        if form.is_valid():
            new = form.line()
            if line is None:
                summary = _("%(code)s: add scoring line %(line)s") % {"code": code, "line": new["id"]}
                error = save_edit(request, draft, summary, lambda doc: edits.add_line(doc, code, new))
            else:
                summary = _("%(code)s: edit scoring line %(line)s") % {"code": code, "line": line}
                error = save_edit(request, draft, summary, lambda doc: edits.update_line(doc, code, line, new))
            if error is None:
                return redirect(_item_url(draft, code))
    else:
        initial = LineForm.initial_for(current) if current is not None else _new_line_initial(page)
        form = LineForm(initial=initial, **options)
        form.check = _check_of(initial, page)
    return render(request, "studio/item/line.html", _line_context(draft, page, line, form, error))


def _line_context(
    draft: FrameworkDraft,
    page: ItemPage,
    line: str | None,
    form: LineForm,
    error: UserError | None,
    bound: LineTestForm | None = None,
) -> dict[str, Any]:
    """What ``studio/item/line.html`` shows: the line's form and, for a saved line, its tests as
    forms with each one's result (``bound``: a refused case form, shown as typed)."""
    context = {"draft": draft, "page": page, "form": form, "line": line, "error": error}
    row = next((row for row in page.lines if row.id == line), None)
    context["row"] = row
    context["shapes"] = {name: conditions.shapes_for(fact) for name, fact in page.facts.items()}
    if row is not None:
        context["cases"] = _case_rows(page, row, bound)
        rounds = [r for r in page.document.get("rounds") or [] if isinstance(r, dict)]
        date = str(rounds[0].get("starts") or "2026-10-01") if rounds else "2026-10-01"
        context["records_example"] = records_example(page.item.get("facts") or {}, date)
    return context


def _case_rows(page: ItemPage, row: Any, bound: LineTestForm | None) -> list[dict[str, Any]]:
    options = {"rounds": page.round_codes, "line_round": row.round}
    out = []
    for index, case in enumerate(edits.line_tests(page.document, page.code, row.id)):
        key = str(index)
        form = bound if bound is not None and bound.key == key else None
        form = form or LineTestForm(initial=LineTestForm.initial_for(case), key=key, **options)
        label = f"tests[{index}]"
        result = next((t for t in row.tests if t.name == label or t.name.startswith(f"{label} (")), None)
        out.append({"index": key, "form": form, "result": result})
    new = bound if bound is not None and bound.key == "new" else LineTestForm(key="new", **options)
    out.append({"index": "", "form": new, "result": None})
    return out


@login_required
@require_POST
def line_test(request: HttpRequest, pk: int, code: str, line: str) -> HttpResponse:
    """Add (``index`` blank), edit or remove (``action=remove``) one of a line's example cases."""
    draft = editable_draft(request, pk)
    page = _page(draft, code)
    row = next((row for row in page.lines if row.id == line), None)
    if row is None:
        raise Http404("No such line")
    raw = request.POST.get("index", "")
    index = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else None
    names = {"code": code, "line": line, "index": index}
    if request.POST.get("action") == "remove" and index is not None:
        summary = _("%(code)s: line %(line)s: remove test %(index)s") % names
        error = save_edit(request, draft, summary, lambda doc: edits.remove_line_test(doc, code, line, index))
        if error is not None:
            messages.error(request, error.message)
        return redirect(_line_url(draft, code, line))
    form = LineTestForm(
        request.POST, rounds=page.round_codes, line_round=row.round, key=str(index) if index is not None else "new"
    )
    error = None
    if form.is_valid():
        case = form.case()
        if index is None:
            summary = _("%(code)s: line %(line)s: add a test") % names
            error = save_edit(request, draft, summary, lambda doc: edits.add_line_test(doc, code, line, case))
        else:
            summary = _("%(code)s: line %(line)s: edit test %(index)s") % names
            error = save_edit(request, draft, summary, lambda doc: edits.update_line_test(doc, code, line, index, case))
        if error is None:
            return redirect(_line_url(draft, code, line))
        form.add_error(None, error.message)
    current = row.data
    line_form = LineForm(
        initial=LineForm.initial_for(current), rounds=page.round_codes, facts=page.facts, item_points=page.item_points
    )
    context = _line_context(draft, page, line, line_form, None, bound=form)
    return render(request, "studio/item/line.html", context, status=400)


def _line_url(draft: FrameworkDraft, code: str, line: str) -> str:
    return reverse("studio:line", args=[draft.pk, code, line]) + "#line-tests-title"


def _new_line_initial(page: ItemPage) -> dict[str, Any]:
    taken = {row.id for row in page.lines}
    number = len(taken) + 1
    while f"line-{number}" in taken:
        number += 1
    rounds = page.round_codes
    return {"id": f"line-{number}", "round": rounds[-1] if rounds else "", "kind": "when", "combine": "replace"}


def _check_of(values: dict[str, Any], page: ItemPage) -> conditions.Check | None:
    kind = "points_from" if values.get("kind") == "points_from" else "when"
    source = str(values.get(kind) or "").strip()
    if not source:
        return None
    try:
        points = (
            Decimal(str(values.get("points"))) if kind == "when" and values.get("points") not in (None, "") else None
        )
    except ArithmeticError:
        points = None
    return conditions.check(source, page.facts, kind=kind, points=points, item_points=page.item_points)


def _points(value: Any) -> Decimal | None:
    """Points as typed, or ``None`` for anything that is not a plain number."""
    try:
        exact = parse_number(str(value).strip())
    except NumberProblem:
        return None
    return Decimal(exact.numerator) / Decimal(exact.denominator)


@login_required
@require_POST
def check_condition(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The live check of a line's rule as it is typed (htmx): OK, or the problem at its column,
    the names the item does not have, and what the item's lines then add up to."""
    draft = _draft_for_reading(request, pk)
    try:
        _revision, document, draft_check = revision_state(draft)
        facts, _problems = item_facts(document, code)
        item_node = edits.find_item(document, code)
    except EditError:
        raise Http404("No such item in this draft") from None
    values = {key: request.POST.get(key, "") for key in ("kind", "when", "points_from", "points")}
    item_points = Decimal(str(item_node.get("points", 0)))
    kind = "points_from" if values["kind"] == "points_from" else "when"
    source = values[kind].strip()
    points = _points(values["points"]) if kind == "when" else None
    result = conditions.check(source, facts, kind=kind, points=points, item_points=item_points) if source else None
    others = Decimal(0)
    original = request.POST.get("original_id", "")
    for other in item_node.get("lines") or []:
        if str(other.get("id")) == original:
            continue
        if "points" in other:
            others += Decimal(str(other["points"]))
        elif isinstance(other.get("points_from"), str):
            others += conditions.check(other["points_from"], facts, kind="points_from").maximum or Decimal(0)
    total = others + (result.maximum or Decimal(0) if result is not None else Decimal(0))
    tests = []
    if result is not None and result.ok and original:
        tests = live_line_tests(draft_check, code, original, kind, result.source, points)
    context = {"check": result, "item_points": format_points(item_points), "total": format_points(total)}
    context["tests"] = tests
    context["tests_passed"] = sum(1 for test in tests if test.passed)
    return render(request, "studio/item/_check.html", context)


def _draft_for_reading(request: HttpRequest, pk: int) -> FrameworkDraft:
    """Like ``editable_draft`` for a POST that changes nothing (the live check works on published drafts too)."""
    require_framework_editor(request)
    return get_object_or_404(FrameworkDraft, pk=pk)


@login_required
@require_POST
def line_remove(request: HttpRequest, pk: int, code: str, line: str) -> HttpResponse:
    draft = editable_draft(request, pk)
    summary = _("%(code)s: remove scoring line %(line)s") % {"code": code, "line": line}
    error = save_edit(request, draft, summary, lambda doc: edits.remove_line(doc, code, line))
    if error is not None:
        messages.error(request, error.message)
    return redirect(_item_url(draft, code))


@login_required
@require_POST
def line_move(request: HttpRequest, pk: int, code: str, line: str) -> HttpResponse:
    draft = editable_draft(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    summary = _("%(code)s: move scoring line %(line)s") % {"code": code, "line": line}
    error = save_edit(request, draft, summary, lambda doc: edits.move_line(doc, code, line, offset))
    if error is not None:
        messages.error(request, error.message)
    return redirect(_item_url(draft, code))


# --------------------------------------------------------------------------- facts


@login_required
def fact_edit(request: HttpRequest, pk: int, code: str, name: str | None = None) -> HttpResponse:
    """Add (``name`` None) or edit a fact: type, labels, help, fields and options."""
    draft = editable_draft(request, pk)
    page = _page(draft, code)
    facts = page.item.get("facts") or {}
    if name is not None and name not in facts:
        raise Http404("No such fact")
    error = None
    saved = facts[name] if name is not None else None
    if request.method == "POST":
        form = FactForm(request.POST, fact=saved)
        if form.is_valid():
            new_name, fact = form.cleaned_data["name"], form.fact()

            def change(doc: Document) -> Document:
                if name is None:
                    return edits.add_fact(doc, code, new_name, fact)
                doc = edits.rename_fact(doc, code, name, new_name)
                return edits.update_fact(doc, code, new_name, fact)

            if name is None:
                summary = _("%(code)s: add fact %(name)s") % {"code": code, "name": new_name}
            else:
                summary = _("%(code)s: edit fact %(name)s") % {"code": code, "name": name}
            error = save_edit(request, draft, summary, change)
            if error is None:
                return redirect(_item_url(draft, code))
    else:
        initial = FactForm.initial_for(name, facts[name]) if name is not None else {"type": "event"}
        form = FactForm(initial=initial, fact=saved)
    context = {"draft": draft, "page": page, "form": form, "name": name, "error": error}
    context["readers"] = [row for row in page.lines if name is not None and name in row.facts_read]
    return render(request, "studio/item/fact.html", context)


@login_required
@require_POST
def fact_remove(request: HttpRequest, pk: int, code: str, name: str) -> HttpResponse:
    draft = editable_draft(request, pk)
    summary = _("%(code)s: remove fact %(name)s") % {"code": code, "name": name}
    error = save_edit(request, draft, summary, lambda doc: edits.remove_fact(doc, code, name))
    if error is not None:
        messages.error(request, error.message)
    return redirect(_item_url(draft, code))


# --------------------------------------------------------------------------- the tree


@login_required
def tree(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's dimensions, sub-dimensions and items with the tree's operations."""
    draft = editable_draft(request, pk)
    return render(request, "studio/item/tree.html", tree_context(draft))


def tree_context(draft: FrameworkDraft, form: AddNodeForm | None = None) -> dict[str, Any]:
    """What ``studio/item/_tree.html`` needs (the draft page may include it with this context)."""
    revision, document, _check = revision_state(draft)
    parents = parent_choices(document)
    return {
        "draft": draft,
        "tree": tree_rows(document),
        "parents": parents,
        "add_form": form or AddNodeForm(parents=parents),
        "revision": revision.number,
    }


def _tree_url(draft: FrameworkDraft, code: str | None = None) -> str:
    url = reverse("studio:tree", args=[draft.pk])
    return f"{url}#node-{code}" if code else url


@login_required
@require_POST
def tree_add(request: HttpRequest, pk: int) -> HttpResponse:
    draft = editable_draft(request, pk)
    document = revision_state(draft)[1]
    form = AddNodeForm(request.POST, parents=parent_choices(document))
    if form.is_valid():
        data = form.cleaned_data
        parent = data["parent"]
        code = data["code"].strip() or edits.next_code(document, parent if data["kind"] != "dimension" else None)
        titles = {"title_th": data["title_th"], "title_en": data["title_en"]}

        def change(doc: Document) -> Document:
            if data["kind"] == "dimension":
                return edits.add_dimension(doc, code=data["code"].strip() or None, **titles)
            if data["kind"] == "group":
                return edits.add_group(doc, parent, code=code, **titles)
            rounds = [str(r.get("code")) for r in doc.get("rounds") or [] if isinstance(r, dict)]
            return edits.add_item(doc, parent, edits.new_item(code, rounds[0] if rounds else "R1", **titles))

        if data["kind"] == "dimension":
            summary = _("%(code)s: add a dimension") % {"code": code}
        else:
            summary = _("%(code)s: add under %(parent)s") % {"code": code, "parent": parent}
        error = save_edit(request, draft, summary, change)
        if error is None:
            return redirect(_tree_url(draft, code))
        form.add_error(None, error.message)
    context = tree_context(draft, form)
    return render(request, "studio/item/tree.html", context, status=400)


@login_required
def node(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """A dimension's or sub-dimension's code, titles and points."""
    draft = editable_draft(request, pk)
    document = revision_state(draft)[1]
    try:
        place = edits.locate(document, code)
    except EditError:
        raise Http404("No such node in this draft") from None
    if edits.kind_of(place.node, place.parent) == "item":
        return redirect(_item_url(draft, code))
    error = None
    if request.method == "POST":
        form = NodeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            values = {"title_th": data["title_th"], "title_en": data["title_en"], "points": str(data["points"])}

            def change(doc: Document) -> Document:
                return edits.set_code(edits.set_texts(doc, code, **values), code, data["code"])

            summary = _("%(code)s: edit its titles and points") % {"code": code}
            error = save_edit(request, draft, summary, change)
            if error is None:
                return redirect(_tree_url(draft, data["code"]))
    else:
        form = NodeForm(initial=NodeForm.initial_for(place.node))
    context = {"draft": draft, "form": form, "code": code, "error": error, "revision": revision_state(draft)[0].number}
    return render(request, "studio/item/node.html", context)


@login_required
@require_POST
def tree_move(request: HttpRequest, pk: int) -> HttpResponse:
    draft = editable_draft(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to move and where."))
        return redirect(_tree_url(draft))
    code, direction, parent = (form.cleaned_data[key] for key in ("code", "direction", "parent"))
    if direction == "to":
        summary = _("%(code)s: move under %(parent)s") % {"code": code, "parent": parent}
        error = save_edit(request, draft, summary, lambda doc: edits.move(doc, code, parent_code=parent or None))
    else:
        summary = _("%(code)s: move up") if direction == "up" else _("%(code)s: move down")
        summary = summary % {"code": code}
        error = save_edit(request, draft, summary, lambda doc: edits.move_by(doc, code, -1 if direction == "up" else 1))
    if error is not None:
        messages.error(request, error.message)
    return redirect(_tree_url(draft, code))


@login_required
@require_POST
def tree_remove(request: HttpRequest, pk: int) -> HttpResponse:
    draft = editable_draft(request, pk)
    form = CodeForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    summary = _("%(code)s: remove") % {"code": code}
    error = save_edit(request, draft, summary, lambda doc: edits.remove(doc, code))
    if error is not None:
        messages.error(request, error.message)
    return redirect(_tree_url(draft))


@login_required
@require_POST
def tree_renumber(request: HttpRequest, pk: int) -> HttpResponse:
    draft = editable_draft(request, pk)
    form = CodeForm(request.POST)
    parent = (form.cleaned_data["code"] if form.is_valid() else "") or None
    summary = _("%(code)s: renumber its items") % {"code": parent} if parent else _("Renumber the dimensions")
    error = save_edit(request, draft, summary, lambda doc: edits.renumber(doc, parent))
    if error is not None:
        messages.error(request, error.message)
    return redirect(_tree_url(draft, parent))
