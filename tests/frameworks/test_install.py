"""Installing framework files: validated, idempotent, pinned by code and version, audited."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from pramern.audit.models import AppendOnlyError, AuditEntry
from pramern.frameworks.models import Framework, FrameworkItem
from pramern.frameworks.services import FrameworkConflict, install_framework, install_framework_file
from pramern.scoring import FrameworkError
from tests.conftest import FRAMEWORK_FILE

pytestmark = pytest.mark.django_db


def test_it_installs_the_framework_with_an_index_of_its_items():
    result = install_framework_file(FRAMEWORK_FILE)
    framework = result.framework
    assert result.created
    assert (framework.code, framework.version, framework.total_points) == ("oae-2567", "1", 120)
    assert framework.title_th.startswith("โครงการส่งเสริมการพัฒนาหน่วยงาน")
    kinds = {
        kind: FrameworkItem.objects.filter(framework=framework, kind=kind).count()
        for kind in ("dimension", "group", "item")
    }
    assert kinds == {"dimension": 7, "group": 6, "item": 41}
    item = FrameworkItem.objects.get(framework=framework, code="1.2.2")
    assert (item.parent_code, item.max_points) == ("1.2", 2)
    assert framework.compiled().items_by_code["1.2.2"].title.th == item.title_th


def test_installing_the_same_file_again_changes_nothing():
    install_framework_file(FRAMEWORK_FILE)
    again = install_framework_file(FRAMEWORK_FILE)
    assert not again.created and not again.replaced
    assert Framework.objects.count() == 1
    assert AuditEntry.objects.filter(action="pramern.framework.installed").count() == 1


def test_changed_content_under_the_same_version_is_refused_unless_replaced():
    install_framework_file(FRAMEWORK_FILE)
    changed = FRAMEWORK_FILE.read_text(encoding="utf-8").replace("รอบ 6 เดือน\n", "รอบหกเดือน\n", 1)
    with pytest.raises(FrameworkConflict):
        install_framework(changed, "oae-2567.yaml")
    result = install_framework(changed, "oae-2567.yaml", replace=True)
    assert result.replaced
    entry = AuditEntry.objects.get(action="pramern.framework.replaced")
    assert entry.data["sha256_before"] != entry.data["sha256_after"]
    assert Framework.objects.get().compiled().round("R6").title.th == "รอบหกเดือน"


def test_an_invalid_file_installs_nothing():
    broken = FRAMEWORK_FILE.read_text(encoding="utf-8").replace("total_points: 120", "total_points: 121")
    with pytest.raises(FrameworkError, match="the dimensions add up to 120, not 121"):
        install_framework(broken, "broken.yaml")
    assert not Framework.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_load_framework_command(capsys, tmp_path):
    call_command("load_framework")
    call_command("load_framework", str(FRAMEWORK_FILE))
    out = capsys.readouterr().out
    assert "oae-2567@1: installed" in out and "oae-2567@1: unchanged" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.yaml: format: expected 'pramern-framework/1'"):
        call_command("load_framework", str(bad))


def test_the_audit_log_is_append_only():
    install_framework_file(FRAMEWORK_FILE)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.object_repr) == (
        "pramern.framework.installed",
        "system",
        "oae-2567@1",
    )
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
