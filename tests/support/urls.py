"""The portal's own URL patterns, walked from the root URLconf.

The security tests walk them so that a new page is checked without anyone listing it. Django's
admin and allauth are left out: their protection is theirs to test.
"""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse


def _third_party(resolver: URLResolver) -> bool:
    module = getattr(resolver.urlconf_module, "__name__", "")
    return resolver.namespace == "admin" or module.startswith("allauth.")


def portal_patterns() -> Iterator[tuple[str, URLPattern]]:
    """(name for reverse(), pattern) for every named URL of the portal's apps."""

    def walk(patterns, namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if not _third_party(p):
                    yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), p

    yield from walk(get_resolver().url_patterns, None)


def assert_public_path(name: str, path: str, *args) -> None:
    """`name` is served at `path`, both ways: reverse() builds it and the resolver maps it back.

    For the few tests that pin a public path (bookmarked, or carried by mails already sent);
    every other test builds its URLs with reverse().
    """
    assert reverse(name, args=args) == path
    assert resolve(path).view_name == name
