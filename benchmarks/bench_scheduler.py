"""Scheduler benchmark: the real `gongkai schedule` crawling the local portal on a fast cron.

Prints how late runs start against their slot, what a crawl child costs beyond the crawl
itself, how many slots were skipped because the source was still running or waiting for a
slot, the service's memory and threads at the start and the end (a leak shows as growth
with the number of runs), and how long startup and a stop take.

    python benchmarks/bench_scheduler.py [--seconds 120] [--max-parallel 2] [--every 10]

Figures depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from archive import Archive
from archive.queries import find_runs
from crawler.portal import Portal


def _proc_status(pid: int) -> dict[str, str]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--max-parallel", type=int, default=2)
    parser.add_argument("--every", type=int, default=10, help="cron step in seconds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, Portal() as portal:
        folder = Path(tmp)
        seeds = portal.write_seeds(folder / "seeds", schedule=f"*/{args.every} * * * * *")
        db = f"sqlite:///{folder / 'archive.db'}"
        lines: list[str] = []
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scheduler.cli.main",
                "schedule",
                "--db",
                db,
                "--seeds",
                str(seeds),
                "--max-parallel",
                str(args.max_parallel),
                "--rescan",
                "0",
            ],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        ready = threading.Event()

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                lines.append(line)
                if "scheduler started" in line:
                    ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        ready.wait(60)
        startup = time.monotonic() - t0
        time.sleep(2)
        first = _proc_status(proc.pid)
        time.sleep(args.seconds)
        last = _proc_status(proc.pid)
        t_stop = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
        stop_s = time.monotonic() - t_stop
        reader.join(5)

        started = [
            (m.group(1), float(m.group(2)))
            for line in lines
            if (m := re.search(r"run started .* scheduled_for=(\S+) late=([\d.]+)s", line))
        ]
        late = [value for _, value in started]
        # The first run of each slot waited for nobody: that is the scheduler's own delay.
        first_of_slot: dict[str, float] = {}
        for slot, value in started:
            first_of_slot[slot[:19]] = min(value, first_of_slot.get(slot[:19], value))
        durations = [
            float(m.group(1))
            for line in lines
            if (m := re.search(r"run finished .* duration=([\d.]+)s", line))
        ]
        skipped = sum("run skipped" in line for line in lines)
        with Archive.open(db) as archive, archive.session() as s:
            runs = find_runs(s)
        statuses = {st: sum(r["status"] == st for r in runs) for st in {r["status"] for r in runs}}
        in_child = [
            (
                dt.datetime.fromisoformat(r["finished_at"])
                - dt.datetime.fromisoformat(r["started_at"])
            ).total_seconds()
            for r in runs
            if r["finished_at"]
        ]

    print(
        f"scheduler benchmark: {args.seconds:.0f} s, 5 sources every {args.every} s, "
        f"--max-parallel {args.max_parallel}, on {os.cpu_count()} cores (shared machine)"
    )
    print(f"  startup to 'scheduler started': {startup:.2f} s")
    print(f"  runs: {len(runs)} {statuses}; slots skipped (source busy or waiting): {skipped}")
    if late:
        print(
            f"  start lateness vs slot (incl. jitter <= {0.05 * args.every:.1f} s and waiting "
            f"for a slot): p50 {_pct(late, 0.5):.2f} s, p95 {_pct(late, 0.95):.2f} s, "
            f"max {max(late):.2f} s"
        )
    if first_of_slot:
        own = list(first_of_slot.values())
        print(
            f"  first run of each slot (no waiting): p50 {_pct(own, 0.5):.2f} s, "
            f"max {max(own):.2f} s late"
        )
    if durations and in_child:
        overhead = statistics.median(durations) - statistics.median(in_child)
        print(
            f"  run wall time: median {statistics.median(durations):.2f} s "
            f"(of which the crawl's own run row: median {statistics.median(in_child):.2f} s; "
            f"child start-up and exit: ~{overhead:.2f} s)"
        )
    print(
        f"  service RSS: {first['VmRSS']} after start, {last['VmRSS']} after {len(runs)} runs; "
        f"threads {first['Threads']} -> {last['Threads']}"
    )
    print(f"  SIGTERM to exit: {stop_s:.2f} s (exit {code})")


if __name__ == "__main__":
    main()
