"""CPU time per process from /proc, to say how much CPU a benchmark's own processes used during
its measurement window and how much went to everything else on the machine.

On a shared machine other work skews every latency figure; a load average cannot tell that
work apart from the benchmark's own, per-process CPU time can. "Ours" is this process and its
descendants (gunicorn and the load generator) plus the PostgreSQL backends connected to the
benchmark's database (their process title names it). Linux only; elsewhere nothing is reported.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass
class Snapshot:
    at: float  # time.monotonic()
    # pid → (parent pid, utime + stime in ticks, name; for PostgreSQL its process title)
    procs: dict[int, tuple[int, int, str]]


def snapshot() -> Snapshot | None:
    """CPU ticks of every process now; None where /proc is not available."""
    if not (PROC / "stat").exists():
        return None
    procs = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # "pid (name) state ppid ..." — the name may contain spaces, so split after ")".
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        rest = raw[raw.rindex(")") + 2 :].split()
        if name == "postgres":  # the title names the backend's database; read it now, the
            name = _cmdline(int(entry.name)) or name  # backend may be gone when we classify
        procs[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]), name)
    return Snapshot(time.monotonic(), procs)


def _cmdline(pid: int) -> str:
    try:
        return (
            (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def cpu_split(before: Snapshot | None, after: Snapshot | None, database: str) -> dict | None:
    """CPU used between two snapshots, in cores (CPU seconds per second of wall time): by the
    benchmark's processes and by the rest, with the three busiest other process names."""
    if before is None or after is None or after.at <= before.at:
        return None
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (ppid, _ticks, _name) in after.procs.items():
        children[ppid].append(pid)
    ours, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        ours.add(pid)
        todo.extend(children.get(pid, ()))
    marker = f" {database} "
    for pid, (_ppid, _ticks, name) in after.procs.items():
        if name.startswith("postgres") and marker in name:
            ours.add(pid)
    tick = os.sysconf("SC_CLK_TCK")
    elapsed = after.at - before.at
    mine = 0
    others: dict[str, int] = defaultdict(int)
    for pid, (_ppid, ticks, name) in after.procs.items():
        prev = before.procs.get(pid)
        # A kernel worker's name changes with its work item, so the pid alone says "same process"
        # (a pid reused within the window would need 4 million forks).
        delta = ticks - prev[1] if prev is not None and ticks >= prev[1] else ticks
        if pid in ours:
            mine += delta
        else:
            others[name.split("/")[0].split(":")[0].strip() or name] += delta
    top = sorted(others.items(), key=lambda kv: -kv[1])[:3]
    return {
        "window_s": round(elapsed, 2),
        "ours_cores": round(mine / tick / elapsed, 2),
        "others_cores": round(sum(others.values()) / tick / elapsed, 2),
        "busiest_others": {name: round(t / tick / elapsed, 2) for name, t in top if t > 0},
    }
