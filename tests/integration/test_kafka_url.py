"""How a ``kafka://`` URL configures the Kafka bus (no broker needed: it connects lazily)."""

from __future__ import annotations

import pytest

from feedcore.backends import open_backend
from feedcore.backends.kafka import KafkaBus
from feedcore.errors import ConfigurationError
from feedcore.settings import Settings


def test_url_options_reach_the_bus() -> None:
    bus = open_backend(
        "bus",
        "kafka://a:9093,b?partitions=3&replication=2&timeout=1.5&idempotence=false&session_timeout_ms=8000"
        "&rejoin_timeout_ms=9000&instance_id=worker-1",
        Settings(namespace="acme"),
    )
    assert isinstance(bus, KafkaBus)
    assert bus.bootstrap_servers == ["a:9093", "b:9092"]
    assert (bus.partitions, bus.replication, bus.timeout, bus.idempotence) == (3, 2, 1.5, False)
    assert (bus.session_timeout_ms, bus.rejoin_timeout_ms, bus.instance_id) == (8000, 9000, "worker-1")
    assert bus.topic_name("posts") == "acme.posts"
    bus.close()


def test_defaults() -> None:
    bus = KafkaBus.from_url("kafka://localhost:9092", Settings())
    assert (bus.partitions, bus.replication, bus.idempotence) == (6, -1, None)
    # a killed member's partitions move after 6 s (the broker minimum by default), not 10
    assert (bus.session_timeout_ms, bus.heartbeat_interval_ms, bus.rejoin_timeout_ms) == (6000, 1500, 17000)
    assert bus.instance_id is None
    assert bus.topic_name("graph") == "feedcore.graph"


@pytest.mark.parametrize(
    "url",
    [
        "kafka://h:9092?partitions=many",
        "kafka://h:9092?idempotence=maybe",
        "kafka://h:9092?replication=0",
        "kafka://h:9092?partitions=0",
        "kafka://h:9092?colour=blue",
        "kafka://",
    ],
)
def test_bad_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        KafkaBus.from_url(url, Settings())


def test_a_namespace_kafka_cannot_name_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        KafkaBus.from_url("kafka://h:9092", Settings(namespace="my platform"))
