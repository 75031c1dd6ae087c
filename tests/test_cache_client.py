"""The Redis cache keeps one client per connection pool (config/cache.py): Django would build a
new redis.Redis, with its table of reply parsers, on every call."""

from config.cache import ResilientRedisCache


def test_every_call_reuses_the_client_of_its_pool():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    client = cache._cache.get_client("key")
    assert cache._cache.get_client("other", write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(False)


def test_each_read_server_has_its_own_client():
    cache = ResilientRedisCache(["redis://127.0.0.1:1/0", "redis://127.0.0.1:2/0"], {})
    writer = cache._cache.get_client(write=True)
    reader = cache._cache.get_client()  # one of the read servers: here the second
    assert writer.connection_pool.connection_kwargs["port"] == 1
    assert reader.connection_pool.connection_kwargs["port"] == 2
    assert cache._cache.get_client() is reader
