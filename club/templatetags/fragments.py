"""Keys of the cached fragments (club/cache.py)."""

import json

from django import template

from club.cache import reference_version as _reference_version

register = template.Library()


@register.simple_tag
def reference_version() -> int:
    return _reference_version()


@register.simple_tag
def filter_state(filterset) -> str:
    """The filter values a filter form shows, in a stable order (other parameters, like the page
    or the board's cursor, do not change the form)."""
    data = filterset.data
    values = data.getlist if hasattr(data, "getlist") else lambda name: data.get(name)
    return json.dumps([(name, values(name)) for name in sorted(filterset.form.fields)])
