"""The Kafka event bus (``kafka://host:port[,host2:port]``), on kafka-python.

URL query (all optional)::

    partitions=6              partitions of a topic this backend creates
    replication=-1            its replication factor; -1: the broker's default.replication.factor
    timeout=10                seconds a publish, topic creation or connection may take
    idempotence=auto          auto | true | false: the idempotent producer (auto: on when the
                              broker supports it, silently off otherwise; true: fail if it cannot)
    session_timeout_ms=6000   consumer group session timeout: a member that stops heart-beating
                              (a killed worker) loses its partitions after this long
    heartbeat_interval_ms=1500
    rejoin_timeout_ms=        a member out of a stable group this long is replaced (default: 2 session
                              timeouts + 5 s: a join waits for the members it expires)
    instance_id=NAME          static group membership (KIP-345): a worker restarted with the same
                              NAME takes its partitions back at once, without a rebalance; give
                              each worker process its own NAME, stable across its restarts
    client_id=feedcore

Topics are ``"<namespace>.<topic>"`` and are created on first use (or by :meth:`KafkaBus.migrate`)
with KafkaAdminClient; an existing topic is left as it is. Events are keyed by ``str(event.key)``
so one key stays in one partition and keeps its order; the value is ``feedcore.events.encode(event)``.
:meth:`KafkaBus.publish` waits for ``acks=all`` on every record and raises Unavailable if any
failed, so the outbox keeps them. Consumers never auto-commit; a subscription commits what it has
polled, and closing leaves the group without committing (at-least-once).

Targets Apache Kafka 2.4 or later (idempotent producer, CreateTopics with broker-default replication
via KIP-464, consumer-group protocol as in 2.x/3.x; KRaft or ZooKeeper alike), and any broker
speaking that protocol. The test suite runs against tansu 0.6.0 (a single in-memory
Kafka-protocol broker); it does not cover: replication, leader fail-over or
``min.insync.replicas`` (one broker), broker restarts with data kept, partition-count changes,
SASL/TLS, very large batches, or end offsets / consumer lag (tansu misreports end offsets).
Nothing here needs transactions, compaction, ``delete_records`` or adding partitions.

Thread-safety: one producer is shared by all threads; each subscription owns one consumer and
must be used from one thread.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from ..errors import ConfigurationError, InvalidInput, Unavailable
from ..events import DEAD_LETTER_TOPIC, TOPICS, Event, decode, encode
from ..ports.bus import EventBus, Subscription
from ..settings import Settings
from ._explain import explain, fixes

with warnings.catch_warnings():
    # kafka-python 3.0 loads its protocol schemas with importlib.resources.read_text, which
    # Python 3.11+ deprecates; the warning is raised once, at import.
    warnings.simplefilter("ignore", DeprecationWarning)
    import kafka.errors as kafka_errors
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
    from kafka.coordinator.base import MemberState
    from kafka.net import KafkaConnectionManager, KafkaNetClient, NetworkSelector

__all__ = ["KafkaBus", "KafkaSubscription"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_LEGAL_TOPIC = re.compile(r"[A-Za-z0-9._-]{1,249}")
_REBALANCING = (
    kafka_errors.RebalanceInProgressError,
    kafka_errors.CommitFailedError,
    kafka_errors.IllegalGenerationError,
    kafka_errors.UnknownMemberIdError,
)
_FIXES = fixes(
    (
        "Unable to bootstrap|NoBrokersAvailable|ECONNREFUSED|Connection refused|NodeNotReady",
        "is the broker running and reachable there? Check host and port in the bus URL (bus_url, FEEDCORE_BUS_URL)",
    ),
    ("SASL|Authentication|Authorization", "check the broker's credentials and ACLs for this client"),
)
_IDEMPOTENCE = {"auto": None, "true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _guard(what: str, fn: Callable[[], T]) -> T:
    """``fn()``, with kafka-python's errors turned into Unavailable."""
    try:
        return fn()
    except kafka_errors.KafkaError as exc:
        raise Unavailable(f"kafka: {what} failed: {explain(exc, _FIXES)}") from exc


class _ConnectionManager(KafkaConnectionManager):  # type: ignore[misc]  # kafka-python is untyped
    """kafka-python's connection manager, refusing new connections once it is closed.

    kafka-python 3.0.12 lets a task that its close wakes up (run by the event loop's last drain)
    open a connection to a broker; the loop then cancels that connect, and kafka/net/inet.py never
    closes a socket whose connect does not complete, so it is left to the garbage collector.
    """

    def get_connection(self, node_id: Any, *args: Any, **kwargs: Any) -> Any:
        if self.closed:
            raise kafka_errors.NodeNotReadyError(node_id)
        return super().get_connection(node_id, *args, **kwargs)


class _NetClient(KafkaNetClient):  # type: ignore[misc]  # kafka-python is untyped
    """kafka-python's network client, closing the sockets its own close() leaves open.

    In kafka-python 3.0.12, ``KafkaTCPTransport.close()`` only marks a transport closed while its
    write buffer still holds a request (e.g. a metadata refresh the IO thread has just queued),
    leaving the socket to the write task; the ``NetworkSelector.close()`` that follows cancels that
    task, and its cancellation path never closes the socket (``_write_to_sock`` in
    kafka/net/transport.py). The connection stays in the manager's table with its socket open until
    the garbage collector closes it, with a ResourceWarning. The event loop has stopped once
    ``super().close()`` returns, so those sockets are closed here.
    """

    def __init__(self, **configs: Any) -> None:
        net = NetworkSelector(**configs)
        super().__init__(net=net, manager=_ConnectionManager(net, **configs), **configs)

    def close(self, node_id: Any = None) -> None:
        super().close(node_id)
        if node_id is not None:
            return
        for conn in list(self._manager._conns.values()):
            transport = conn.transport
            sock = getattr(transport, "_sock", None)
            if sock is not None:
                transport._sock = None
                sock.close()


def _connect(what: str, cls: Callable[..., T], **config: Any) -> T:
    """``cls(**config)`` (a producer, consumer or admin client) on a :class:`_NetClient`, or
    Unavailable (ConfigurationError when kafka-python rejects the settings, e.g.
    ``idempotence=true`` on a broker older than 0.11).

    kafka-python leaves its network thread running when a constructor fails (e.g. no broker
    answers), so the network client is captured here and closed on failure.
    """
    made: list[_NetClient] = []

    def client_factory(**kwargs: Any) -> _NetClient:
        made.append(_NetClient(**kwargs))
        return made[-1]

    try:
        return cls(kafka_client=client_factory, **config)
    except kafka_errors.KafkaError as exc:
        for client in made:
            try:
                client.close()
            except Exception:  # cleanup must not mask the real error
                log.debug("kafka client cleanup failed", exc_info=True)
        if isinstance(exc, kafka_errors.KafkaConfigurationError):
            raise ConfigurationError(f"kafka: {what}: {exc}") from exc
        raise Unavailable(f"kafka: {what} failed: {explain(exc, _FIXES)}") from exc


class KafkaBus(EventBus):
    """Publishes to and subscribes on a Kafka cluster. Connects lazily, on first use."""

    def __init__(
        self,
        bootstrap_servers: Sequence[str],
        *,
        namespace: str = "feedcore",
        partitions: int = 6,
        replication: int = -1,
        timeout: float = 10.0,
        idempotence: bool | None = None,
        session_timeout_ms: int = 6_000,
        heartbeat_interval_ms: int = 1_500,
        rejoin_timeout_ms: int | None = None,
        instance_id: str | None = None,
        client_id: str = "feedcore",
    ) -> None:
        if not bootstrap_servers:
            raise ConfigurationError("kafka bus needs at least one host:port")
        if partitions < 1 or replication == 0 or replication < -1 or timeout <= 0:
            raise ConfigurationError("kafka bus needs partitions >= 1, replication >= 1 (or -1) and timeout > 0")
        if not _LEGAL_TOPIC.fullmatch(f"{namespace}.{DEAD_LETTER_TOPIC}"):
            raise ConfigurationError(f"namespace {namespace!r} cannot prefix a Kafka topic name ([A-Za-z0-9._-])")
        self.bootstrap_servers = list(bootstrap_servers)
        self.namespace = namespace
        self.partitions = partitions
        self.replication = replication
        self.timeout = timeout
        self.idempotence = idempotence
        self.session_timeout_ms = session_timeout_ms
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.rejoin_timeout_ms = rejoin_timeout_ms or 2 * session_timeout_ms + 5_000
        self.instance_id = instance_id
        self.client_id = client_id
        self._lock = threading.Lock()
        self._producer: Any = None
        self._admin: Any = None
        self._topics_known: set[str] = set()
        self._closed = False

    @classmethod
    def from_url(cls, url: str, settings: Settings) -> KafkaBus:
        parts = urlsplit(url)
        servers = [s if ":" in s else f"{s}:9092" for s in parts.netloc.split(",") if s]
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            idempotence = _IDEMPOTENCE[query.pop("idempotence", "auto").lower()]
            options: dict[str, Any] = {
                "partitions": int(query.pop("partitions", 6)),
                "replication": int(query.pop("replication", -1)),
                "timeout": float(query.pop("timeout", 10.0)),
                "session_timeout_ms": int(query.pop("session_timeout_ms", 6_000)),
                "heartbeat_interval_ms": int(query.pop("heartbeat_interval_ms", 1_500)),
                "instance_id": query.pop("instance_id", None) or None,
                "rejoin_timeout_ms": int(query.pop("rejoin_timeout_ms", 0)) or None,
                "client_id": query.pop("client_id", "feedcore"),
            }
        except (KeyError, ValueError):
            raise ConfigurationError(f"kafka bus URL {url!r} has a malformed option") from None
        if query:
            raise ConfigurationError(f"kafka bus URL {url!r}: unknown option(s) {', '.join(sorted(query))}")
        return cls(servers, namespace=settings.namespace, idempotence=idempotence, **options)

    # -- EventBus -------------------------------------------------------------------------

    def publish(self, events: Sequence[Event]) -> None:
        """Send ``events`` and wait for every acknowledgement. On failure the producer (and admin
        client) are dropped and built anew by the next call: kafka-python can leave a producer in a
        state it never leaves (e.g. a fatal InitProducerId after a broker restart)."""
        if not events:
            return
        deadline = time.monotonic() + self.timeout
        try:
            self._ensure_topics(self.topic_name(e.topic) for e in events)
            producer = self._get_producer()

            def send_all() -> None:
                futures = [
                    producer.send(self.topic_name(e.topic), key=str(e.key).encode(), value=encode(e)) for e in events
                ]
                producer.flush(timeout=max(deadline - time.monotonic(), 0.001))
                for future in futures:
                    future.get(timeout=max(deadline - time.monotonic(), 0.001))

            _guard(f"publishing {len(events)} event(s)", send_all)
        except Unavailable:
            self._replace_clients()
            raise

    def subscribe(self, group: str, topics: Sequence[str]) -> KafkaSubscription:
        if not group or not topics:
            raise InvalidInput("subscribe needs a group name and at least one topic")
        names = [self.topic_name(t) for t in dict.fromkeys(topics)]
        self._ensure_topics(names)
        consumer = _connect(
            f"joining group {group!r}",
            KafkaConsumer,
            # a JoinGroup request must be allowed to outlast the session timeout
            **self._client_options(max(int(self.timeout * 1000), self.session_timeout_ms + 5_000)),
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self.session_timeout_ms,
            heartbeat_interval_ms=self.heartbeat_interval_ms,
            group_instance_id=self.instance_id,
        )
        consumer.subscribe(names)
        return KafkaSubscription(
            consumer,
            group,
            close_timeout_ms=int(self.timeout * 1000),
            rejoin_limit=self.rejoin_timeout_ms / 1000,
        )

    def topic_name(self, topic: str) -> str:
        """The Kafka topic that carries ``topic`` in this namespace."""
        return f"{self.namespace}.{topic}"

    def migrate(self) -> None:
        """Create the namespace's topics (missing ones only)."""
        self._ensure_topics(self.topic_name(t) for t in (*TOPICS, DEAD_LETTER_TOPIC))

    def check(self) -> None:
        admin = self._get_admin()
        _guard("listing topics", admin.list_topics)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._drop_clients(abort=False)

    # -- internals ------------------------------------------------------------------------

    def _replace_clients(self) -> None:
        """After a failure: forget the producer, the admin client and which topics exist (a
        broker that lost its data lost them too); the next call builds them again."""
        log.warning("kafka: replacing the producer and admin client after a failure")
        self._drop_clients(abort=True)

    def _drop_clients(self, *, abort: bool) -> None:
        """Close the producer and admin client (best effort: a close that cannot reach the broker
        must not hide the caller's own error). ``abort``: give up the records the producer still
        holds instead of waiting for them (their events stay in the outbox)."""
        with self._lock:
            producer, admin = self._producer, self._admin
            self._producer = self._admin = None
            self._topics_known.clear()
        if producer is not None:
            try:
                if abort:
                    # kafka-python's close() first waits for pending records, which a wedged
                    # producer never completes; a forced sender close fails them at once.
                    producer._sender.force_close()
                producer.close(timeout=self.timeout)
            except kafka_errors.KafkaError:
                log.warning("kafka producer did not close cleanly", exc_info=True)
        if admin is not None:
            try:
                admin.close()
            except kafka_errors.KafkaError:
                log.warning("kafka admin client did not close cleanly", exc_info=True)

    def _client_options(self, request_timeout_ms: int | None = None) -> dict[str, Any]:
        ms = int(self.timeout * 1000)
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "client_id": self.client_id,
            "bootstrap_timeout_ms": ms,
            "request_timeout_ms": request_timeout_ms or ms,
        }

    def _get_producer(self) -> Any:
        with self._lock:
            if self._closed:
                raise Unavailable("kafka bus is closed")
            if self._producer is None:
                ms = int(self.timeout * 1000)
                extra = {} if self.idempotence is None else {"enable_idempotence": self.idempotence}
                self._producer = _connect(
                    "connecting the producer",
                    KafkaProducer,
                    **self._client_options(),
                    **extra,
                    acks="all",
                    max_block_ms=ms,
                    delivery_timeout_ms=ms,
                )
            return self._producer

    def _get_admin(self) -> Any:
        with self._lock:
            if self._closed:
                raise Unavailable("kafka bus is closed")
            if self._admin is None:
                self._admin = _connect("connecting the admin client", KafkaAdminClient, **self._client_options())
            return self._admin

    def _ensure_topics(self, names: Iterable[str]) -> None:
        """Create each topic not yet known to exist; an existing one is fine."""
        missing = sorted(set(names) - self._topics_known)
        if not missing:
            return
        admin = self._get_admin()
        spec = {name: {"num_partitions": self.partitions, "replication_factor": self.replication} for name in missing}
        response = _guard(
            f"creating topics {missing}",
            lambda: admin.create_topics(
                spec, timeout_ms=int(self.timeout * 1000), raise_errors=False, wait_for_metadata=True
            ),
        )
        for result in response["topics"]:
            error = kafka_errors.for_code(result["error_code"])
            if error not in (kafka_errors.NoError, kafka_errors.TopicAlreadyExistsError):
                raise Unavailable(
                    f"kafka: cannot create topic {result['name']!r}: {result.get('error_message') or error.__name__}"
                )
        with self._lock:
            self._topics_known.update(missing)


class KafkaSubscription(Subscription):
    """One consumer-group member backed by one KafkaConsumer. Use it from one thread.

    :meth:`poll` raises Unavailable once the member has been out of a stable group for
    ``rejoin_limit`` seconds (kafka-python can stay stuck mid-rebalance after a broker restart):
    the caller closes this subscription and subscribes anew, as after any failure.
    """

    def __init__(self, consumer: Any, group: str, *, close_timeout_ms: int, rejoin_limit: float) -> None:
        self._consumer = consumer
        self.group = group
        self._close_timeout_ms = close_timeout_ms
        self._rejoin_limit = rejoin_limit
        self._unstable_since: float | None = time.monotonic()
        self._closed = False

    def poll(self, max_events: int = 500, timeout: float = 0.0) -> list[Event]:
        if max_events < 1:
            raise InvalidInput(f"max_events must be at least 1, got {max_events}")
        if self._closed:
            raise InvalidInput("this subscription is closed")
        batches = _guard(
            f"polling for group {self.group!r}",
            lambda: self._consumer.poll(timeout_ms=int(max(timeout, 0.0) * 1000), max_records=max_events),
        )
        self._check_membership()
        if not batches:
            _guard(f"checking the positions of group {self.group!r}", self._rewind_past_log_end)
        events: list[Event] = []
        for tp in sorted(batches, key=lambda tp: (tp.topic, tp.partition)):
            for record in batches[tp]:
                events.append(decode(record.value))  # Undecodable ones are dead-lettered by the consumer
        return events

    def _check_membership(self) -> None:
        """Raise Unavailable if this member has not been in a stable group for ``rejoin_limit`` s."""
        if self._consumer.group_metadata().state is MemberState.STABLE:
            self._unstable_since = None
            return
        now = time.monotonic()
        if self._unstable_since is None:
            self._unstable_since = now
        elif now - self._unstable_since > self._rejoin_limit:
            raise Unavailable(
                f"kafka: group {self.group!r}: this member has not (re)joined the group for "
                f"{self._rejoin_limit:.0f} s; it is replaced"
            )

    def _rewind_past_log_end(self) -> None:
        """Seek to the earliest offset every partition whose position is past its log end: the
        broker lost records this group had read (e.g. it restarted without its log), and new
        records start below that position, where the member would otherwise wait forever.

        The log end is the high watermark of the last fetch response (ListOffsets is not used:
        tansu under-reports it); a position never passes it while the broker keeps its log."""
        consumer = self._consumer
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            position = consumer.position(tp, timeout_ms=0) if end is not None else None
            if position is not None and position > end:
                log.warning(
                    "group %r: offset %d of %s[%d] is past the log end %d (the broker lost records); "
                    "restarting the partition from its earliest offset",
                    self.group,
                    position,
                    tp.topic,
                    tp.partition,
                    end,
                )
                consumer.seek_to_beginning(tp)

    def commit(self) -> None:
        """Commit the position after the last record :meth:`poll` returned, for the partitions
        this member owns now. While the group rebalances the commit is skipped (logged): the
        events go again to whoever owns their partition next, as at-least-once allows."""
        if self._closed:
            raise InvalidInput("this subscription is closed")
        try:
            self._consumer.commit()
        except _REBALANCING as exc:
            log.warning(
                "group %r is rebalancing; commit skipped, uncommitted events will be redelivered: %s", self.group, exc
            )
        except kafka_errors.KafkaError as exc:
            raise Unavailable(f"kafka: committing offsets of group {self.group!r} failed: {exc}") from exc

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._consumer.close(autocommit=False, timeout_ms=self._close_timeout_ms)
        except kafka_errors.KafkaError:
            log.warning("kafka consumer of group %r did not close cleanly", self.group, exc_info=True)
