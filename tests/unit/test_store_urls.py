"""server/store_urls.py: the online store URL as Feast's configuration."""

from __future__ import annotations

import pytest

from server.store_urls import online_store_config


@pytest.mark.parametrize(
    ("url", "connection"),
    [
        ("redis://127.0.0.1:6390", "127.0.0.1:6390"),
        ("redis://cache.internal", "cache.internal:6379"),
        ("redis://127.0.0.1:6390/2", "127.0.0.1:6390,db=2"),
        ("rediss://cache.internal:6380/0", "cache.internal:6380,db=0,ssl=true"),
        ("redis://:s3cret@cache:6379", "cache:6379,password=s3cret"),
        ("rediss://app:p%40ss@cache:6380/1", "cache:6380,db=1,ssl=true,username=app,password=p@ss"),
    ],
)
def test_a_redis_url_keeps_its_database_tls_and_credentials(url, connection):
    assert online_store_config(url) == {"type": "redis", "connection_string": connection}


@pytest.mark.parametrize("url", ["redis://[::1]:6379", "redis://host:port", "redis://host/x", "redis://:a,b@h"])
def test_a_redis_url_feast_cannot_take_is_refused(url):
    with pytest.raises(ValueError):
        online_store_config(url)


def test_sqlite_and_disabled():
    assert online_store_config("sqlite:///x/online.db") == {"type": "sqlite", "path": "x/online.db"}
    assert online_store_config("disabled") is None


def test_the_settings_refuse_an_online_store_url_before_anything_starts(tmp_path):
    from server.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="ASGARD_ONLINE_STORE"):
        load_settings(env={"ASGARD_ONLINE_STORE": "redis://[::1]:6379"}, data_dir=tmp_path)
    with pytest.raises(ConfigError, match="ASGARD_ONLINE_STORE"):
        load_settings(env={"ASGARD_ONLINE_STORE": "memcached://x"}, data_dir=tmp_path)
