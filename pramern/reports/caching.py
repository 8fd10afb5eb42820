"""What pages compute, kept in Django's cache (Redis in production), keyed by what it was computed
from, so that no cached figure outlives a change (docs/decisions.md, issue 13: caching).

- Every change a page could show moves ``Assessment.revision`` to a new random number, in the
  change's own transaction (the signal receivers below: records, evidence and their links,
  verdicts, overrides, unit rounds, deadline extensions, score cards, the assessment itself, its
  unit's sections and the unit, its framework's round schedules). A value never comes back, so a
  key built from it never finds data older than the change.
- A unit's workspace is cached under its assessment's revision (read from the database with the
  request: one light query); the all-unit pages under their framework's ``generation``, the
  count and sum of its assessments' revisions (one aggregate query), which any of those changes
  moves. Unlike a counter kept in the cache itself, this holds with a cache per process
  (LocMemCache under several workers), after a Redis restart or eviction, and for changes made by
  other processes (``manage.py refresh_scores``, the worker).
- The all-unit pages that show only score cards (the dashboard) are keyed more narrowly, by
  ``scorecard_generation``: the count and sum of the year's ``Assessment.scorecard_revision``,
  which moves only when one of its cards' figures or round states change (a refresh writes no
  card that stays the same: ``reports.scorecards``) or its unit's names, code, kind or region do
  (below). A record saved without moving a score, a comment or an evidence file leaves every
  dashboard in the cache.
- The cache is an optimisation only: when it is unreachable the data is computed as before.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import io
import logging
import pickle
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

from pramern.assessments.models import Assessment, Evidence, ItemAssignment, Record, UnitRound, new_revision
from pramern.frameworks.models import Framework, RoundSchedule
from pramern.organizations.models import Role, Section, Unit
from pramern.reports.models import ScoreCard
from pramern.review.models import Comment, DeadlineExtension, Override, Verdict
from pramern.scoring.model import Framework as CompiledFramework

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds an entry is kept (its key changes with the data anyway; this only frees memory).
TIMEOUT = 24 * 3600


# --------------------------------------------------------------------------- the revisions


def bump(assessments: models.QuerySet[Assessment], *, scorecards: bool = False) -> None:
    """Give ``assessments`` a new revision (one UPDATE); ``scorecards``: a new
    ``scorecard_revision`` too (what the dashboard shows of them changed)."""
    if scorecards:
        assessments.update(revision=new_revision(), scorecard_revision=new_revision())
    else:
        assessments.update(revision=new_revision())


def generation(framework: Framework | int, revision: str = "revision") -> str:
    """The key part of a framework's all-unit pages: it changes with any assessment's ``revision``
    (one aggregate query)."""
    if isinstance(framework, int):
        framework = Framework.objects.only("source_sha256").get(pk=framework)
    found = Assessment.objects.filter(framework_id=framework.pk).aggregate(n=Count("pk"), total=Sum(revision))
    # the source's hash: a framework replaced or patched in place keeps its code@version
    return f"{framework.pk}.{framework.source_sha256}.{found['n']}.{found['total'] or 0}"


def scorecard_generation(framework: Framework) -> str:
    """The key part of a framework's pages that show only its score cards and their units: it
    changes with any assessment's ``scorecard_revision``."""
    return generation(framework, "scorecard_revision")


def shared() -> bool:
    """Whether the cache is one every process shares (Redis), not each process's own memory:
    what one worker forgets there, every other forgets too."""
    return isinstance(caches["default"], RedisCache)


def current_revision(assessment: Assessment) -> int:
    """The assessment's revision as stored now (the instance in hand may predate a change made
    in the same request)."""
    found = Assessment.objects.filter(pk=assessment.pk).order_by().values_list("revision", flat=True)[:1]
    return found[0] if found else new_revision()


def _changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loaddata: the revisions come with the data
        return
    if isinstance(instance, Assessment):
        if not kwargs.get("created") and kwargs.get("signal") is post_save:
            bump(Assessment.objects.filter(pk=instance.pk))
        elif not Assessment.objects.filter(framework_id=instance.framework_id).exclude(pk=instance.pk).exists():
            # the first (or last) of its year: earlier years' rounds are read-only once a later
            # year has assessments (RoundSchedule.superseded_by, part of every workspace's locks)
            bump(Assessment.objects.exclude(framework_id=instance.framework_id))
    elif isinstance(instance, Verdict):
        bump(Assessment.objects.filter(records__pk=instance.record_id))
    elif isinstance(instance, Role):
        # the unit's people (who submits, who may be given an item); a role moved: both units'
        units = {instance.unit_id, getattr(instance, "_loaded_unit_id", None)} - {None}
        if units:
            bump(Assessment.objects.filter(unit_id__in=units))
    elif isinstance(instance, Section):
        bump(Assessment.objects.filter(unit_id=instance.unit_id))
    elif isinstance(instance, ScoreCard):  # written only when its figures change (reports.scorecards)
        bump(Assessment.objects.filter(pk=instance.assessment_id), scorecards=True)
    elif isinstance(instance, Unit):  # its names, code, kind and region show beside its cards
        bump(Assessment.objects.filter(unit_id=instance.pk), scorecards=True)
    elif isinstance(instance, RoundSchedule):
        bump(Assessment.objects.filter(framework_id=instance.framework_id))
    elif instance.assessment_id is not None:
        bump(Assessment.objects.filter(pk=instance.assessment_id))


def _role_loaded(sender: Any, instance: Role, **kwargs: Any) -> None:
    """The unit a role had when read: moved to another unit, both units' pages change."""
    instance._loaded_unit_id = instance.unit_id  # type: ignore[attr-defined]


def _person_changed(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """A person's name shows on the pages of the units they belong to, of the items given to them
    and of the items they commented on. A log-in (``last_login``) or a new password changes nothing shown."""
    if raw or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    shown = Q(unit__roles__user=instance) | Q(assignments__assignee=instance) | Q(comments__author=instance)
    bump(Assessment.objects.filter(shown).distinct())


def _copied_record_deleted(sender: Any, instance: Record, **kwargs: Any) -> None:
    """A record deleted: its copies' ``copied_from`` is set to NULL by one UPDATE that sends no
    ``post_save`` (on_delete=SET_NULL), and their pages show where they came from."""
    bump(Assessment.objects.filter(records__copied_from=instance).distinct())


def _links_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    """An evidence's records (or a record's evidence) added or removed."""
    if action.startswith("post_"):
        bump(Assessment.objects.filter(pk=instance.assessment_id))


WATCHED = (Assessment, Record, Evidence, UnitRound, ScoreCard, Verdict, Override, DeadlineExtension, Comment)
WATCHED += (Section, Unit, RoundSchedule, Role, ItemAssignment)


def connect() -> None:
    """Wire the receivers (``ReportsConfig.ready``)."""
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"pramern-revision-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pramern-revision-delete-{model.__name__}")
    post_save.connect(_person_changed, sender=get_user_model(), dispatch_uid="pramern-revision-person")
    post_init.connect(_role_loaded, sender=Role, dispatch_uid="pramern-revision-role-loaded")
    pre_delete.connect(_copied_record_deleted, sender=Record, dispatch_uid="pramern-revision-copies")
    m2m_changed.connect(_links_changed, sender=Evidence.records.through, dispatch_uid="pramern-revision-links")


# --------------------------------------------------------------------------- the cache


def cached(
    key: str, compute: Callable[[], T], *, framework: CompiledFramework | None = None, remember: bool = False
) -> T:
    """The value kept under ``key``, else ``compute()`` kept there. With ``framework``, the
    value's references to the compiled framework (items, lines, rounds) are kept as references
    and found again in this process's copy: entries stay small and results keep their identity.
    ``remember``: keep it in the process's memory too (``_remember``); the value is shared, so
    callers must not change it."""
    remember = remember and not isinstance(caches["default"], DummyCache)  # DummyCache: caching off
    if remember:
        try:
            kept_until, value = _RECENT[key]
            if kept_until > time.monotonic():
                _RECENT.move_to_end(key)
                return value  # type: ignore[no-any-return]
            _RECENT.pop(key, None)  # as old as the cache's own entries get (TIMEOUT)
        except KeyError:
            pass
    try:
        stored = cache.get(key)
    except Exception:  # Redis down: the page works, only slower
        logger.warning("cache unreachable: computing %s", key, exc_info=True)
        return compute()
    if stored is not None:
        try:
            value = _loads(stored, framework) if framework is not None else stored
        except Exception:
            logger.warning("unreadable cache entry %s: computing it again", key, exc_info=True)
        else:
            return _remember(key, value) if remember else value  # type: ignore[no-any-return]
    value = compute()
    try:
        cache.set(key, _dumps(value, framework) if framework is not None else value, TIMEOUT)
    except Exception:
        logger.warning("cache unreachable: %s not kept", key, exc_info=True)
    return _remember(key, value) if remember else value


#: What ``{% csrf_token %}`` prints in a cached fragment (``cached_html``); each reader's own token
#: replaces it in that field only (a reader's search printed back in a text box may say anything).
CSRF_PLACEHOLDER = "pramern-csrf-placeholder"


def cached_html(
    key: str | None, render: Callable[[dict[str, Any]], str], request: HttpRequest, *, remember: bool = False
) -> SafeString:
    """A page's HTML kept under ``key`` (None: made, not kept: a query that could be anything):
    ``render(extra_context)`` makes it, its forms' CSRF fields holding a placeholder, and every
    reader gets it with their own token. ``remember``: in the process's memory too (``cached``),
    for a page many readers share."""

    def make() -> str:
        return str(render({"csrf_token": CSRF_PLACEHOLDER}))

    html = make() if key is None else cached(key, make, remember=remember)
    field = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    return mark_safe(html.replace(field.format(CSRF_PLACEHOLDER), field.format(get_token(request))))


#: The highest page of a list whose content is cached (a page past the last shows the last, so
#: without a bound any number would be another entry).
CACHED_PAGES = 400


def page_key(value: str) -> str | None:
    """A page number asked for as a key part: "1" for the first, the number, or "all"; None for
    anything else (another spelling, a number past ``CACHED_PAGES``), which is not cached."""
    if value in ("", "1"):
        return "1"
    if value == "all" or (value.isdigit() and value == str(int(value)) and int(value) <= CACHED_PAGES):
        return value
    return None


def _remember(key: str, value: T) -> T:
    """Keep the last ``RECENT`` values read with a framework in this process too: a key names
    its data exactly (a new revision is a new key), so the copy in memory is as good as the
    cache's, and unpickling a workspace (~500 engine results) is most of a cached page's cost."""
    _RECENT[key] = (time.monotonic() + TIMEOUT, value)
    while len(_RECENT) > RECENT:
        try:
            _RECENT.popitem(last=False)
        except KeyError:  # another thread emptied it meanwhile
            break
    return value


def clear() -> None:
    """Forget every cached value of this process (tests): its memory, and a LocMemCache. A shared
    cache (Redis) is left alone: its ``clear`` empties the whole Redis database, and no key of a
    changed assessment is read again anyway."""
    _RECENT.clear()
    if isinstance(caches["default"], LocMemCache):
        cache.clear()


#: Values kept in the process's memory (the most recently used), a few megabytes, each with the
#: ``time.monotonic()`` it expires at (TIMEOUT after it was kept, as the cache's entries).
RECENT = 64
_RECENT: OrderedDict[str, tuple[float, Any]] = OrderedDict()


def _framework_objects(framework: CompiledFramework) -> list[Any]:
    """Every object of the compiled framework, in an order that is the same in every process."""
    found = _OBJECTS.get(id(framework))
    if found is not None and found[0] is framework:
        return found[1]
    objects: list[Any] = []
    seen: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str | int | float | bool | type(None)) or id(value) in seen:
            return
        seen.add(id(value))
        if is_dataclass(value) and not isinstance(value, type):
            objects.append(value)
            for f in fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, list | tuple):
            for part in value:
                walk(part)
        elif isinstance(value, dict):
            for part in value.values():
                walk(part)

    walk(framework)
    _OBJECTS[id(framework)] = (framework, objects)
    return objects


#: id(compiled framework) -> (the framework, its objects): frameworks live as long as the process.
_OBJECTS: dict[int, tuple[CompiledFramework, list[Any]]] = {}


def _dumps(value: Any, framework: CompiledFramework) -> bytes:
    index = {id(o): n for n, o in enumerate(_framework_objects(framework))}
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: index.get(id(obj)) if is_dataclass(obj) else None  # type: ignore[method-assign]
    pickler.dump((framework.key, value))
    return buffer.getvalue()


def _loads(data: bytes, framework: CompiledFramework) -> Any:
    objects = _framework_objects(framework)
    unpickler = pickle.Unpickler(io.BytesIO(data))  # noqa: S301 (our own entries, as Django's cache itself unpickles)
    unpickler.persistent_load = objects.__getitem__  # type: ignore[method-assign]
    key, value = unpickler.load()
    if key != framework.key:
        raise ValueError(f"cached for {key}, not {framework.key}")
    return value


def key(*parts: Iterable[Any] | Any) -> str:
    """A cache key from its parts (the language and the reader's rule are parts where they matter),
    after the code's version: pages cached by an older release are never read after an upgrade."""
    return ":".join([code_version(), *(str(p) for p in parts)])


#: What a cached value is made by: the code, the templates and the translations ...
CODE_FOLDERS = (("pramern", "*.py"), ("templates", "*"), ("locale", "*.mo"))
#: ... the settings printed into pages (the upload limits the browser checks, the records a page
#: lists, the rule of verified scores, the time zone that makes the day) ...
PAGE_SETTINGS = ("EVIDENCE_MAX_MB", "RECORDS_PER_PAGE", "EXECUTIVES_SEE_UNPUBLISHED", "TIME_ZONE", "LANGUAGES")
#: ... and the packages whose markup they hold (form widgets, the CSRF field).
PAGE_PACKAGES = ("django",)


@functools.cache
def code_version() -> str:
    """A short hash of everything that shapes a cached value but the data, read once per process
    (~300 files, a few milliseconds at start-up): a release, or a setting changed and the
    processes restarted, never reads what was cached before."""
    digest = hashlib.sha256()
    for folder, pattern in CODE_FOLDERS:
        for path in sorted((settings.BASE_DIR / folder).rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    for name in PAGE_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}".encode())
    for package in PAGE_PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:12]
