"""feedcore's background processes: the worker (consumer groups) and the outbox relay.

``feedctl worker`` and ``feedctl relay`` run them; embed them with :func:`run_worker` and
:func:`run_relay`, stopping them by setting the event you pass.
"""

from .loops import Backoff, run_relay, run_worker
from .signals import stop_on_signals

__all__ = ["Backoff", "run_relay", "run_worker", "stop_on_signals"]
