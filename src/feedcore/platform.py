"""The one bootstrap: ``Platform.open(settings)`` builds backends from URLs and wires the services.

It is the only code that knows backends by name (through the alias table); the ASGI app, the
worker, ``feedctl`` and the tests all go through it, tests with overrides.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .backends import open_backend
from .cdn import purge
from .consumers import Consumer, Relay
from .dispatch import Dispatcher
from .errors import ConfigurationError
from .events import Event
from .fanout import FanoutHandler
from .handlers import (
    DEFAULT_GROUPS,
    AccountsHandler,
    AnalyticsHandler,
    GraphHandler,
    Handler,
    InteractionsHandler,
    MediaHandler,
)
from .ids import IdGenerator, database_of
from .nearcache import NearCache
from .oauth import ClientService, OAuthServer
from .ports import Backend, BulkLoader, Cache, EventBus, MediaStore, RateDecision, Store
from .ratebudget import RateBudget
from .resilience import CircuitBreaker
from .services.accounts import AccountEraser
from .services.analytics import AnalyticsService
from .services.auth import AuthService
from .services.feeds import FeedService
from .services.graph import GraphService
from .services.hydration import Hydrator
from .services.interactions import InteractionService
from .services.media import MediaService
from .services.posts import PostService
from .services.recorder import Recorder
from .services.throttle import SignInThrottle
from .services.tokens import TokenService
from .services.users import UserService
from .settings import Settings
from .slots import SlotLease
from .stats import Stats

__all__ = ["Platform"]

log = logging.getLogger("feedcore")

_CLOSE_DISPATCH_SECONDS = 10.0
"""With the in-process bus, how long :meth:`Platform.close` keeps handling events left in the outbox."""

B = TypeVar("B", bound=Backend)


def _secret_key(settings: Settings) -> str:
    """The configured key, else one generated once and kept in ``data_dir/secret.key``."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir, "secret.key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_urlsafe(48)
        f.write(key)
    return key


class Platform:
    """A complete feed platform. Use :meth:`open` (or :meth:`from_env`) and close it when done.

    Services: ``users``, ``auth``, ``clients``, ``oauth`` (the authorization server's
    endpoints), ``graph``, ``media``, ``posts``, ``feeds``, ``interactions``, ``analytics``.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store,
        cache: Cache,
        bus: EventBus,
        media: MediaStore,
        clock: Callable[[], float] = time.time,
        ids: Callable[[int], int] | None = None,
    ) -> None:
        self.settings = settings
        self._backends: dict[str, Backend] = {"store": store, "cache": cache, "bus": bus, "media": media}
        self._store, self._cache, self._bus = store, cache, bus
        own_ids = IdGenerator(clock, SlotLease(store, clock))
        self._ids = None if ids else own_ids
        self._new_id = ids or own_ids
        self._cache_breaker, self._store_breaker = CircuitBreaker("cache"), CircuitBreaker("store")
        self._stats = Stats()
        breakers = (self._cache_breaker, self._store_breaker)
        near: NearCache[tuple[str, int | str], Any] = NearCache(
            settings.near_cache_ttl, settings.near_cache_size, clock
        )
        recorder = Recorder(clock, self._new_id, self._committed)
        hydrator = Hydrator(store, store, store, cache, near, breakers, settings.content_ttl)
        self.users = UserService(store, recorder, hydrator, settings)
        tokens = TokenService(
            store, cache, near, self._cache_breaker, clock, self._new_id, settings, _secret_key(settings)
        )
        throttle = SignInThrottle(cache, self._cache_breaker, clock)
        self.auth = AuthService(store, store, recorder, tokens, throttle, hydrator, settings)
        self.clients = ClientService(store, tokens, near, clock)
        self.oauth = OAuthServer(store, store, clock, self._new_id, tokens, self.auth, self.clients, settings)
        self.graph = GraphService(store, store, cache, near, self._cache_breaker, recorder, settings)
        self.media = MediaService(store, store, media, recorder, settings)
        self.posts = PostService(store, recorder, hydrator, settings)
        self.feeds = FeedService(store, store, cache, breakers, self._stats, hydrator, self.graph, settings)
        self.interactions = InteractionService(store, store, recorder, hydrator, settings)
        self.analytics = AnalyticsService(
            store, cache, hydrator, self._cache_breaker, clock, settings.analytics_flush_interval
        )
        self.handlers: dict[str, Handler] = {
            "graph": GraphHandler(store),
            "fanout": FanoutHandler(store, store, store, cache, self._stats, clock, hydrator, settings),
            "interactions": InteractionsHandler(store, hydrator),
            "media": MediaHandler(store, media, functools.partial(purge, settings)),
            "analytics": AnalyticsHandler(store, cache, clock),
            "accounts": AccountsHandler(AccountEraser(store, store, store, media, recorder, hydrator)),
        }
        self.relay = Relay(store, bus, settings.relay_batch)
        self._consumers: dict[str, Consumer] = {}
        self._dispatcher = Dispatcher(self.relay, lambda: [self.consumer(g) for g in DEFAULT_GROUPS])
        self._budget = (
            RateBudget(self._charge_rate_limits, settings.rate_limit_sync) if settings.rate_limit_sync > 0 else None
        )
        self._closed = False

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        store: Store | None = None,
        cache: Cache | None = None,
        bus: EventBus | None = None,
        media: MediaStore | None = None,
        clock: Callable[[], float] = time.time,
        ids: Callable[[int], int] | None = None,
        migrate: bool = True,
    ) -> Platform:
        """Open a platform; backends not given are built from the settings' URLs. With no
        settings, the embedded default: SQLite, in-process cache and bus, media under ./feedcore-data.
        ``migrate`` creates or upgrades schemas, topics and buckets first (idempotent). Ids are
        made by ``ids(shard)`` if given, else by a generator whose slot is leased from the store
        on the first id (see :mod:`feedcore.slots`), so processes sharing a store never make the same id."""
        settings = settings or Settings()
        built: list[Backend] = []

        def build(backend: B) -> B:
            built.append(backend)
            return backend

        try:
            platform = cls(
                settings,
                store=build(
                    store if store is not None else open_backend("store", settings.resolved_database_url, settings)
                ),
                cache=build(cache if cache is not None else open_backend("cache", settings.cache_url, settings)),
                bus=build(bus if bus is not None else open_backend("bus", settings.bus_url, settings)),
                media=build(
                    media if media is not None else open_backend("media", settings.resolved_media_url, settings)
                ),
                clock=clock,
                ids=ids,
            )
            if migrate:
                platform.migrate()
        except BaseException:
            for backend in built:
                backend.close()
            raise
        if settings.dispatch_inline:
            platform._dispatcher.notify()  # events a crash left in the outbox
        return platform

    @classmethod
    def from_env(cls, **overrides: Any) -> Platform:
        """Open with :meth:`Settings.from_env` (``FEEDCORE_*`` variables), then ``overrides``."""
        return cls.open(Settings.from_env(**overrides))

    def migrate(self) -> None:
        """Create or upgrade every backend's schema, topics or buckets."""
        for backend in self._unique_backends():
            backend.migrate()

    def check(self) -> dict[str, str]:
        """Readiness of each backend: ``"ok"`` or the reason it is not."""
        status = {}
        for role, backend in self._backends.items():
            try:
                backend.check()
                status[role] = "ok"
            except Exception as exc:  # readiness reports every failure, whatever its kind
                status[role] = f"unavailable: {exc}"
        return status

    def consumer(self, handler: str, group: str | None = None) -> Consumer:
        """This process's member of consumer group ``"<group>.<handler>"`` running ``handler``
        (one of ``DEFAULT_GROUPS``); ``group`` defaults to the namespace. Workers that use the
        same names share the load."""
        prefix = group or self.settings.namespace
        key = f"{prefix}.{handler}"
        if key not in self._consumers:
            if handler not in self.handlers:
                raise ValueError(f"unknown handler {handler!r}; known: {', '.join(DEFAULT_GROUPS)}")
            self._consumers[key] = Consumer(self._bus, key, self.handlers[handler])
        return self._consumers[key]

    @property
    def fanout(self) -> FanoutHandler:
        """The ``fanout`` group's handler (``push`` fans posts out directly, e.g. to measure it)."""
        handler = self.handlers["fanout"]
        assert isinstance(handler, FanoutHandler)
        return handler

    def outbox_pending(self) -> int:
        """Events written but not yet relayed to the bus. Raises Unavailable."""
        return self._store.pending()

    def hit_rate_limit(self, key: str, limit: int, period: float) -> RateDecision:
        """Count one request of ``key`` against ``limit`` per ``period`` seconds. Decided in this
        process and settled with the shared limiter every ``rate_limit_sync`` seconds (see
        :mod:`feedcore.ratebudget`); with ``rate_limit_sync=0``, asked of the limiter (through
        the cache's breaker: raises Unavailable when it is down)."""
        if self._budget is not None:
            return self._budget.hit(key, limit, period)
        return self._cache_breaker.call(self._cache.hit, key, limit, period)

    def _charge_rate_limits(self, costs: Mapping[str, int], limit: int, period: float) -> dict[str, float]:
        return self._cache_breaker.call(self._cache.charge, costs, limit, period)

    def counters(self) -> dict[str, int]:
        """This process's counters (``timeline_hits``, ``timeline_misses``, ``fanout_feeds_written``)."""
        return self._stats.counters()

    def gauges(self) -> dict[str, float]:
        """This process's gauges (``fanout_lag_seconds``, once a post was fanned out)."""
        return self._stats.gauges()

    def open_circuits(self) -> dict[str, bool]:
        """Whether each circuit breaker is open, by name: ``cache``, ``store``, and those the
        backends keep themselves (``replica <url>`` for each read replica)."""
        own = {b.name: b.is_open for b in (self._cache_breaker, self._store_breaker)}
        return own | {name: is_open for b in self._unique_backends() for name, is_open in b.circuits().items()}

    def new_id(self, shard: int) -> int:
        """A fresh time-ordered id on logical ``shard``, from this platform's one generator."""
        return self._new_id(shard)

    def database_of(self, id_: int) -> int:
        """The index (in ``database_url`` order) of the database holding the rows of ``id_``
        (or of its owner): its logical shard modulo the number of databases."""
        return database_of(id_, len(self.settings.database_urls))

    def bulk_loader(self) -> BulkLoader:
        """The store's bulk-loading port (for seeding). Raises ConfigurationError if it has none."""
        if not isinstance(self._store, BulkLoader):
            raise ConfigurationError(f"the store {type(self._store).__name__} cannot bulk-load")
        return self._store

    def drain(self, groups: Iterable[str] = DEFAULT_GROUPS, idle: float | None = None, timeout: float = 60.0) -> int:
        """Relay the outbox and run this process's handlers until nothing is left; returns how
        many distinct events the handlers processed.

        With the in-process bus this dispatches in the calling thread, taking turns with the
        dispatcher thread, every group at once, and returns when the outbox is empty (errors
        propagate; the events stay in the outbox). With an asynchronous bus it returns once
        every event it relayed has reached each of ``groups`` that reads its topic and nothing
        more arrived for ``idle`` seconds (default 1 s), or after ``timeout`` seconds; the groups
        poll concurrently, one thread each, so their first joins overlap instead of adding up."""
        if self.settings.dispatch_inline:
            return self._dispatcher.drain(timeout)
        idle = 1.0 if idle is None else idle
        poll = min(idle, 0.5)
        consumers = [self.consumer(g) for g in groups]
        awaited: dict[str, set[int]] = {c.group: set() for c in consumers}
        seen: set[int] = set()

        def relayed(events: Sequence[Event]) -> None:
            for consumer in consumers:
                awaited[consumer.group].update(e.id for e in events if e.topic in consumer.topics)

        def run(consumer: Consumer) -> list[Event]:
            events = consumer.run_once(timeout=poll)
            awaited[consumer.group].difference_update(e.id for e in events)
            return events

        with ThreadPoolExecutor(max_workers=len(consumers) or 1) as pool:
            start = last_activity = time.monotonic()
            while time.monotonic() - start < timeout:
                published = self.relay.run_once(relayed)
                batches = list(pool.map(run, consumers))
                for events in batches:
                    seen.update(e.id for e in events)
                if published or any(batches):
                    last_activity = time.monotonic()
                elif not any(awaited.values()) and time.monotonic() - last_activity >= idle:
                    break
        return len(seen)

    def _committed(self) -> None:
        """After a write: with the in-process bus, wake the dispatcher thread (the write does
        not wait for it; see :mod:`feedcore.dispatch`)."""
        if self.settings.dispatch_inline:
            self._dispatcher.notify()

    def _unique_backends(self) -> list[Backend]:
        return list({id(b): b for b in self._backends.values()}.values())

    def close(self) -> None:
        """Release every backend. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._dispatcher.close(finish=_CLOSE_DISPATCH_SECONDS if self.settings.dispatch_inline else 0.0)
        self.analytics.close()
        if self._budget is not None:
            self._budget.close()
        for consumer in self._consumers.values():
            consumer.close()
        if self._ids is not None:
            self._ids.close()
        for backend in self._unique_backends():
            backend.close()

    def __enter__(self) -> Platform:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
