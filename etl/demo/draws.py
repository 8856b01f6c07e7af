"""How the generator draws from its one random stream.

Every number comes from the run's `random.Random(seed)`, in a fixed order: the same arguments
make the same issues only while the draws happen in the same order. Moving a draw, or making
one conditional that was not, changes the demo data (tests/test_demo_identity.py notices).
"""
from __future__ import annotations

import math
from bisect import bisect


def pick(rnd, options):
    """One of the options, each as likely. (`random.choice` would draw differently.)"""
    return options[int(rnd() * len(options))]


def band(rnd, bounds) -> int:
    """Where a uniform draw falls among ascending bounds: 0 below the first, len(bounds) above all."""
    return bisect(bounds, rnd())


def lognormal(gauss, median, sigma: float) -> float:
    """median * exp(sigma * N(0, 1)): durations are mostly near their median, a few run very long."""
    return median * math.exp(sigma * gauss(0.0, 1.0))
