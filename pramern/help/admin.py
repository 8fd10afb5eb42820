from django.contrib import admin

from pramern.help.models import Contact
from pramern.organizations.admin import AuditedAdmin


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ["name_th", "responsibility_th", "email", "phone", "position"]
    list_editable = ["position"]
