"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django builds a new `redis.Redis` object for every cache operation; its constructor fills a few
hundred response callbacks, about a third of a millisecond each time, and a page makes several
operations (session, roles, unread count). The client is thread-safe and holds no connection of
its own (the pool does), so one per pool serves every operation.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        if index not in clients:
            clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return clients[index]


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient
