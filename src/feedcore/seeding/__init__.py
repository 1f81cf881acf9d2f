"""A deterministic synthetic social network: generated in chunks (:class:`NetworkSpec`) and
loaded into a platform (:func:`load_network`), for ``feedctl seed``, the benchmarks and tests."""

from ._load import Progress, ProgressBars, SeedReport, load_network
from ._network import Chunk, NetworkSpec, home_feeds

__all__ = ["Chunk", "NetworkSpec", "Progress", "ProgressBars", "SeedReport", "home_feeds", "load_network"]
