"""Settings of the page benchmark (benchmarks/pages.py): the portal's, plus a bare /hello/ page.

The benchmark compares every page with a "hello" view behind the same middleware; club/urls.py
stays untouched, so this module points ROOT_URLCONF at benchmarks/bench_urls.py. Collected static
files go to BENCH_STATIC_ROOT (a temporary folder), not to var/.
"""

import os

from club.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
