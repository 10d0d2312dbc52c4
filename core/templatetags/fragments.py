"""Keys of the cached filter forms (core/fragment_cache.py)."""

import json
from typing import Any

from django import forms, template
from django_filters import FilterSet

from core.fragment_cache import reference_version

register = template.Library()

_CHOICE_FIELDS = (forms.ChoiceField, forms.NullBooleanField, forms.BooleanField)


@register.simple_tag
def filter_cache(filterset: FilterSet) -> dict[str, Any]:
    """{"using", "key", "version"} for `{% cache ... using=fc.using %}` around a filter form.

    Cached ("fragments") only when every value given is a valid choice: a bounded set of forms.
    A search text, a month or an invalid value renders the form uncached (a dummy cache), as
    does Redis not knowing the reference-data version. Other parameters (the page, the board's
    cursor) do not change the form and are not part of the key.
    """
    form = filterset.form
    version = reference_version()
    data = filterset.data or {}  # FilterSet keeps `data or {}`: never None
    values = data.getlist if hasattr(data, "getlist") else lambda name: [data.get(name)]
    given = {name: [v for v in values(name) if v not in (None, "")] for name in form.fields}
    cacheable = (
        version is not None
        and form.is_valid()
        and all(isinstance(form.fields[name], _CHOICE_FIELDS) for name, v in given.items() if v)
    )
    return {
        "using": "fragments" if cacheable else "uncached",
        "key": json.dumps(sorted(given.items())),
        "version": version,
    }
