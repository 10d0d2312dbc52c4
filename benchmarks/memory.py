"""Resident memory of a server's worker processes over a benchmark (gunicorn's workers, a Celery
worker's pool): the peak, and how a worker's peak grows from the first to the last quarter."""

import threading
import time
from dataclasses import dataclass


@dataclass
class Memory:
    """Resident memory of the workers over one run (MiB): the largest worker's
    peak, and the worst growth of a worker's peak from the first to the last quarter."""

    peak: float
    first: float
    last: float

    @property
    def growth(self) -> float:
        return self.last / self.first - 1 if self.first else 0.0


class RssSampler(threading.Thread):
    """Samples the resident memory of a process's children (the workers) every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int, float]] = []  # (time, worker pid, MiB)
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        master = psutil.Process(self.pid)
        while not self.done.wait(0.2):
            try:
                children = master.children()
            except psutil.Error:
                return
            now = time.monotonic()
            for child in children:
                try:
                    self.samples.append((now, child.pid, child.memory_info().rss / 2**20))
                except psutil.Error:
                    continue

    def stop(self) -> Memory:
        self.done.set()
        self.join()
        if not self.samples:
            return Memory(0.0, 0.0, 0.0)
        start, end = self.samples[0][0], self.samples[-1][0]
        quarter = (end - start) / 4
        worst = Memory(0.0, 0.0, 0.0)
        for pid in {p for _, p, _ in self.samples}:
            mine = [(t, rss) for t, p, rss in self.samples if p == pid]
            first = max((rss for t, rss in mine if t <= start + quarter), default=0.0)
            last = max((rss for t, rss in mine if t >= end - quarter), default=0.0)
            memory = Memory(max(rss for _, rss in mine), first, last)
            if memory.growth >= worst.growth or not worst.first:
                worst = Memory(max(worst.peak, memory.peak), first, last)
            else:
                worst.peak = max(worst.peak, memory.peak)
        return worst
