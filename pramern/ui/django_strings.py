"""Django's own strings that Pramern translates better than Django's Thai catalogue does.

Listed here so that ``makemessages`` keeps them in our catalogue, which Django reads first
(``LOCALE_PATHS``). Nothing imports this module.
"""

from django.utils.translation import gettext_noop

BETTER_THAI = [
    gettext_noop("None available"),  # Django's Thai says "ไม่ว่าง" (busy)
    gettext_noop("Start typing to filter…"),  # untranslated in Django's Thai
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Null characters are not allowed."),  # untranslated in Django's Thai
]

# django-axes (login throttling) ships no Thai: its admin pages, where an administrator unlocks.
AXES_THAI = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Locked Out"),
    gettext_noop("Path"),
    gettext_noop("Access lock out"),
]
