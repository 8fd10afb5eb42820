from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "pramern.assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete, pre_save

        from pramern.assessments import sections  # models are ready only now
        from pramern.organizations.models import Section

        # Records name their section by code: a used section keeps it (see assessments.sections).
        pre_save.connect(sections.refuse_changing_a_used_code, sender=Section, dispatch_uid="section-code-kept")
        pre_delete.connect(sections.refuse_deleting_a_used_section, sender=Section, dispatch_uid="section-kept")
