"""The Kafka bus's network client leaves no socket open once closed (see ``_NetClient`` in
src/feedcore/backends/kafka.py for the kafka-python 3.0.12 behaviours it works around)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

# kafka.errors comes through the backend, which imports kafka-python with its import-time
# DeprecationWarning silenced.
from feedcore.backends.kafka import _NetClient, kafka_errors


@pytest.fixture
def connected(kafka_url: str) -> Iterator[tuple[_NetClient, int]]:
    """A network client with a ready connection to the broker, and that broker's node id."""
    client = _NetClient(bootstrap_servers=[urlsplit(kafka_url).netloc], client_id="feedcore-test")
    try:
        client.check_version(timeout_ms=10_000)
        node_id = client.cluster.brokers().pop().node_id
        client.await_ready(node_id, timeout_ms=10_000)
        yield client, node_id
    finally:
        client.close()


def test_close_closes_a_socket_whose_request_is_still_queued(
    connected: tuple[_NetClient, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, node_id = connected
    transport = client._manager._conns[node_id].transport
    sock = transport._sock
    transport.write(b"\0\0\0\0")  # queued for the event loop, as a request sent just before close()
    # The loop stops before the write task runs (an IO thread told to stop between two polls):
    # skipping close()'s drain makes that timing certain.
    monkeypatch.setattr(client._net, "drain", lambda scheduled=False: None)
    client.close()
    assert sock.fileno() == -1


def test_a_closed_client_opens_no_new_connection(connected: tuple[_NetClient, int]) -> None:
    client, node_id = connected
    client.close()
    with pytest.raises(kafka_errors.NodeNotReadyError):
        client._manager.get_connection(node_id)
