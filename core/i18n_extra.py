"""Msgids of Django and allauth that our locale/ catalogues translate or correct.

Django 6.1's Italian admin catalogue misses a few new strings, and German falls back to the
Italian default for anything it lacks. Marking them here keeps `makemessages` from dropping
those entries as obsolete. Nothing imports this module at run time.
"""

from django.utils.translation import gettext_noop

EXTRA_MSGIDS = [
    gettext_noop("Run"),
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Accounts"),
    gettext_noop("Sign Up"),
]
