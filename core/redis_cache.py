"""Django's Redis cache, with one client object per connection pool instead of one per call.

Django's RedisCacheClient builds a new `redis.Redis` for every cache operation, and each one
builds its table of about 170 response callbacks: measurable on every request that reads the
session from Redis (issue 20). A `redis.Redis` is safe to share (it takes a connection from its
pool per command), and Django's cache handler already gives each thread its own cache object.

    "BACKEND": "core.redis_cache.RedisCache"
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        this: Any = self  # _get_connection_pool and _client are not in django-stubs
        pool = this._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = this._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
