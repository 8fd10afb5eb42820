"""Dependencies between Pramern's modules run one way (docs/architecture.md, "Layers").

The import graph is read from the source, imports inside functions included: no module may be
part of an import cycle, none may import a module of a higher layer, every module has a layer,
and an import made inside a function says why on its line (start-up time, Django's app
registry) unless it is in ``AppConfig.ready``, Django's place for such imports.
"""

from __future__ import annotations

import ast
import fnmatch
import pathlib
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "pramern"

#: Lowest first. A module is in the first layer with a matching pattern; it may import modules of
#: its own layer and of lower ones. Package ``__init__`` modules are empty and sit at the bottom.
LAYERS: list[tuple[str, list[str]]] = [
    (
        "plain helpers (no Pramern model)",
        [
            "pramern.scoring",
            "pramern.scoring.*",
            "pramern.cli",
            "pramern.thaidates",
            "pramern.thaitext",
            "pramern.errors",
            "pramern.settings",
            "pramern.ui.text",
            "pramern.ui.converters",
            "pramern.ui.uploads",
            "pramern.ui.staticstorage",  # issue 13: a deployment's collected static files
            "pramern.ui.compilemessages",
            "pramern.ui.django_strings",
            "pramern.assessments.filetypes",
            "pramern.organizations.demo_units",
            "pramern.*.demo_data",
            "pramern.accounts.tokens",
            "pramern.accounts.throttling",
            "pramern.accounts.ldapconfig",  # issue 12: directory login settings (read by settings.py)
            "pramern.reports.printing",
            "pramern.frameworks.workbook",  # issue 10: the authoring workbook (framework <-> xlsx)
            "pramern.studio.conditions",  # issue 10: the condition builder
            "pramern.studio.yearshift",  # issue 10: a framework moved into another fiscal year
            "pramern.studio.edits",  # issue 10: edits of a framework document (the item editor)
            # issue 10: the guideline document (PDF, docx); a plain helper so that the console
            # command can make it: a standalone template engine and the printer, no Pramern model
            "pramern.frameworks.document",
            "pramern.search.text",  # issue 11: search text normalised (Thai)
            "pramern.help.glossary",  # issue 11: the glossary's terms
            "pramern.accounts.qr",  # issue 12: the two-factor enrolment's QR code (SVG)
            "pramern.accounts.devices",  # issue 12: a device in plain words from its User-Agent
            "pramern.accounts.citizen_id",  # issue 12: citizen IDs checked and hashed (ThaiD)
            "pramern.envsettings",  # issue 12: settings read from the environment (settings.py, ldapconfig)
            "pramern.operations",  # issue 13: operations (request ids, JSON logs, readiness checks)
            "pramern.operations.requestid",
            "pramern.operations.health",
            "pramern.operations.rediscache",  # issue 13: Django's Redis cache, its clients reused
            "pramern.accounts.sessionstore",  # issue 13: cached_db sessions that hold when Redis is down
        ],
    ),
    (
        "models, access and the audit log",
        [
            "pramern.*.models",
            "pramern.audit.services",
            "pramern.organizations.permissions",
            "pramern.assessments.access",
            "pramern.assessments.adapter",
            "pramern.assessments.sections",
            "pramern.assessments.links",
            "pramern.filestore",  # issue 13: files through the storage API (disk or S3 bucket)
            "pramern.reports.caching",  # issue 13: cached page data, keyed by assessment revisions
            "pramern.notifications.unread",  # issue 13: the bell's count, kept in the cache
        ],
    ),
    ("rounds and locks", ["pramern.assessments.rounds"]),
    (
        "scores (self-assessed, verified, stored)",
        ["pramern.assessments.scores", "pramern.review.verdicts", "pramern.reports.scorecards"],
    ),
    ("visibility rules", ["pramern.review.visibility"]),
    (
        "report builders and jobs",
        [
            "pramern.reports.data",
            "pramern.reports.exporters",
            "pramern.reports.pdf",
            "pramern.reports.evidence_zip",
            "pramern.reports.retention",
            "pramern.reports.tasks",
            "pramern.reports.unit_records",  # issue 11: a unit's records as an Excel workbook
            "pramern.privacy.mydata",  # issue 12: a person's own data (PDPA)
            "pramern.privacy.retention",  # issue 12: evidence retention, the purge report
        ],
    ),
    (
        "workflows",
        [
            "pramern.*.services",
            "pramern.review.notifications",
            "pramern.accounts.invitations",
            "pramern.accounts.signals",
            "pramern.accounts.directory",  # issue 12: directory login; roles from directory groups
            "pramern.accounts.backends",  # issue 12: local passwords, not for directory accounts
            "pramern.organizations.importers",
            "pramern.studio.editing",  # issue 10: an edit of a draft saved as a revision
            "pramern.assessments.opening",  # issue 10: opening a new year
            "pramern.assessments.carryover",  # issue 10: copying last year's records
            "pramern.assessments.importing",  # issue 11: import with a preview and a confirmation
            "pramern.accounts.twofactor",  # issue 12: two-factor enrolment, verification, reset
            "pramern.privacy.erasure",  # issue 12: a departed person's erasure (PDPA)
            "pramern.accounts.sessions",  # issue 12: signed-in sessions noted and ended
            "pramern.accounts.oidc",  # issue 12: OpenID Connect login (backend, matching, logout)
            "pramern.operations.databases",  # issue 13: a consistent database copy and its restore
            "pramern.operations.backup",  # issue 13: backups and their restore (the whole installation)
        ],
    ),
    (
        "read models",
        [
            "pramern.assessments.workspace",
            "pramern.assessments.item_page",
            "pramern.assessments.home_page",  # issue 11: the unit home's round cards and chips
            "pramern.dashboards.summary",
            "pramern.review.queue",
            "pramern.review.pages",
            "pramern.audit.history",
            "pramern.studio.pages",  # issue 10: the studio's list, tree, revisions and diffs
            "pramern.studio.dryrun",  # issue 10: a draft scored against real assessments
            "pramern.assessments.years",  # issue 10: fiscal years across pages
            "pramern.studio.item_page",  # issue 10: the item editor's page and the draft's tree
            "pramern.assessments.carryover_page",  # issue 10: last year's records, mapped
            "pramern.assessments.overview",  # issue 11: the office-wide first screen
            "pramern.search.finder",  # issue 11: search within what a person may see
            "pramern.notifications.inbox",  # issue 11: the inbox and the bell's count
            "pramern.help.calendar",  # issue 11: the calendar of rounds and deadlines
            "pramern.studio.predecessor",  # issue 11: the draft's predecessor and item mapping
            "pramern.assessments.library",  # issue 11: the evidence library
            "pramern.review.changes",  # issue 11: what a unit changed since its round was returned
            "pramern.accounts.session_page",  # issue 12: a person's signed-in devices
        ],
    ),
    (
        "views, forms, admin, commands",
        [
            "pramern.urls",
            "pramern.wsgi",
            "pramern.*.urls",
            "pramern.*.apps",
            "pramern.*.views",
            "pramern.*.forms",
            "pramern.*.admin",
            "pramern.*.management.commands.*",
            "pramern.*.management",
            "pramern.*.management.commands",
            "pramern.ui.admin_base",
            "pramern.ui.middleware",
            "pramern.accounts.twofactor_middleware",  # issue 12: two-factor before any page
            "pramern.accounts.twofactor_views",  # issue 12: two-factor pages
            "pramern.accounts.twofactor_urls",
            "pramern.ui.context_processors",
            "pramern.ui.templatetags",
            "pramern.ui.templatetags.*",
            "pramern.studio.item_views",  # issue 10: the item editor and the tree
            "pramern.studio.item_forms",
            "pramern.studio.dryrun_views",  # issue 10: the dry run page
            "pramern.studio.dryrun_forms",  # issue 10: its form
            "pramern.studio.predecessor_views",  # issue 11: the predecessor page
            "pramern.accounts.middleware",  # issue 12: idle timeout, a session's last use
            "pramern.operations.middleware",  # issue 13: request ids, /healthz and /readyz
            "pramern.reports.middleware",  # issue 13: a page's PDF that cannot print now (busy, failed)
            "pramern.accounts.session_views",  # issue 12: the sessions page
            "pramern.accounts.oidc_views",  # issue 12: OpenID Connect pages
            "pramern.accounts.templatetags",
            "pramern.accounts.templatetags.*",  # issue 12: the login page's OpenID Connect button
        ],
    ),
]


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    inner: bool  # made inside a function
    in_ready: bool  # inside an AppConfig.ready method
    commented: bool  # a comment on its line says why


def module_names() -> dict[str, pathlib.Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts)
        names[name.removesuffix(".__init__")] = path
    return names


MODULES = module_names()


def _resolve(name: str) -> str:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports_of(module: str) -> list[Import]:
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    where: dict[int, tuple[bool, bool]] = {}  # id(node) -> (inner, in ready)
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                inner, ready = where.get(id(node), (False, False))
                where[id(node)] = (True, ready or func.name == "ready")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        targets = {_resolve(n) for n in names if n == "pramern" or n.startswith("pramern.")} - {"", module}
        inner, ready = where.get(id(node), (False, False))
        commented = "#" in lines[node.lineno - 1] or "#" in lines[node.end_lineno - 1]
        found += [Import(module, target, node.lineno, inner, ready, commented) for target in sorted(targets)]
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def layer_of(module: str) -> int | None:
    if MODULES[module].name == "__init__.py" and not GRAPH[module]:
        return 0  # a package that imports nothing of Pramern
    for index, (_title, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return index
    return None


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {m: sorted({i.target for i in imports}) for m, imports in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            if child < len(edges[node]):
                work.append((node, child + 1))
                target = edges[node][child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            for target in edges[node]:
                if target in on_stack:
                    low[node] = min(low[node], low[target])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_is_read():
    """The walk sees imports inside functions: a known one is in the graph."""
    assert len(MODULES) > 80
    inner = [i for i in GRAPH["pramern.accounts.apps"] if i.inner]
    assert ("pramern.accounts.signals", True) in [(i.target, i.in_ready) for i in inner]


def test_there_is_no_import_cycle():
    assert _cycles() == []


def test_every_module_has_a_layer():
    assert [m for m in sorted(MODULES) if layer_of(m) is None] == []


def test_no_module_imports_a_higher_layer():
    upward = [
        f"{i.source} ({LAYERS[layer_of(i.source)][0]}) imports {i.target} ({LAYERS[layer_of(i.target)][0]}), "
        f"line {i.line}"
        for imports in GRAPH.values()
        for i in imports
        if layer_of(i.source) is not None and layer_of(i.target) is not None and layer_of(i.target) > layer_of(i.source)
    ]
    assert upward == []


def test_an_import_inside_a_function_says_why():
    unexplained = [
        f"{MODULES[i.source].relative_to(ROOT.parent)}:{i.line} imports {i.target}"
        for imports in GRAPH.values()
        for i in imports
        if i.inner and not i.in_ready and not i.commented
    ]
    assert unexplained == []


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("pramern.assessments.services", "pramern.assessments.rounds", True),
        ("pramern.assessments.rounds", "pramern.assessments.services", False),
        ("pramern.reports.scorecards", "pramern.assessments.workspace", False),
        ("pramern.review.services", "pramern.review.views", False),
    ],
)
def test_the_layers_order_what_may_import_what(source, target, allowed):
    assert (layer_of(target) <= layer_of(source)) is allowed
