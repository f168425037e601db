"""`tandem bench`: named scenarios, each measuring figures the issues set; a table and JSON out.

Scenarios live in the modules of bench/ and register with @scenario. They run
against their own database (var/bench/bench.sqlite3 unless TANDEM_BENCH_DATABASE_URL says
otherwise), never the one holding real data."""

from __future__ import annotations

import json
import os
import platform
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Every module in bench/ other than this one holds scenarios.
SCENARIO_DIR = Path(__file__).parent


@dataclass
class Result:
    scenario: str
    metric: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""


@dataclass
class Scenario:
    name: str
    func: Callable
    description: str
    results: list[Result] = field(default_factory=list)


_scenarios: dict[str, Scenario] = {}


def scenario(name: str, description: str):
    def decorate(func):
        _scenarios[name] = Scenario(name, func, description)
        return func

    return decorate


def prepare_environment() -> None:
    data = Path(os.environ.get("TANDEM_DATA_DIR") or "var").resolve() / "bench"
    data.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("TANDEM_BENCH_DATABASE_URL") or f"sqlite:///{data / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EMAIL_URL", "memorymail://")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(func: Callable, repeat: int, warmup: int = 5) -> list[float]:
    """Milliseconds per call, after a few warm-up calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


class Recorder:
    def __init__(self, name: str):
        self.name = name
        self.results: list[Result] = []

    def latency(self, metric: str, samples: list[float], *, target_ms: float | None = None) -> None:
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        self.results.append(Result(self.name, f"{metric} p50", round(p50, 2), "ms"))
        self.results.append(
            Result(
                self.name,
                f"{metric} p99",
                round(p99, 2),
                "ms",
                target=f"≤ {target_ms} ms" if target_ms else "",
                ok=(p99 <= target_ms) if target_ms else None,
                note=f"n={len(samples)}, mean {statistics.fmean(samples):.2f} ms",
            )
        )

    def value(self, metric: str, value: float, unit: str, *, target: str = "", ok=None, note=""):
        self.results.append(Result(self.name, metric, round(value, 2), unit, target, ok, note))


class WorkerCheckpoints(threading.Thread):
    """What the worker does to SQLite while the web serves: checkpoint the WAL every few
    seconds and merge the search index. Running it here measures requests as they are served
    in production."""

    def __init__(self):
        super().__init__(name="bench-checkpoints", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from tandem import worker
        from tandem.desk import search

        ticks = 0
        while not self.stopping.wait(worker.HEARTBEAT_EVERY):
            worker.checkpoint()
            ticks += 1
            if ticks % 2 == 0:  # the periodic desk.search_merge task, every 10 s
                search.merge()
        connection.close()


def main(
    *, names: list[str], quick: bool, json_path: str | None, tickets: int | None = None
) -> int:
    import importlib
    import inspect

    from django.core.management import call_command
    from django.db import connection
    from rich.console import Console
    from rich.table import Table

    for module in sorted(SCENARIO_DIR.glob("*.py")):
        if module.stem not in {"__init__", "harness"}:
            importlib.import_module(f"bench.{module.stem}")
    unknown = [n for n in names if n not in _scenarios]
    if unknown:
        print(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(_scenarios)}")
        return 2
    console = Console(width=160)
    call_command("migrate", interactive=False, verbosity=0)
    results: list[Result] = []
    checkpoints = WorkerCheckpoints()
    checkpoints.start()
    for name in names or list(_scenarios):
        sc = _scenarios[name]
        console.print(f"[bold]{name}[/bold]: {sc.description}")
        recorder = Recorder(name)
        started = time.perf_counter()
        # --tickets sizes the scenarios that take it; the others keep their own sizes.
        sizes = {"tickets": tickets} if "tickets" in inspect.signature(sc.func).parameters else {}
        sc.func(recorder, quick=quick, console=console, **sizes)
        recorder.value("scenario wall time", time.perf_counter() - started, "s")
        results.extend(recorder.results)
    checkpoints.stopping.set()

    table = Table(title="Tandem benchmarks" + (" (quick)" if quick else ""))
    for col in ("scenario", "metric", "value", "unit", "target", "ok", "note"):
        table.add_column(col)
    for r in results:
        ok = "" if r.ok is None else ("[green]yes[/green]" if r.ok else "[red]NO[/red]")
        table.add_row(r.scenario, r.metric, f"{r.value:g}", r.unit, r.target, ok, r.note)
    console.print(table)

    out = (
        Path(json_path)
        if json_path
        else Path(os.environ.get("TANDEM_DATA_DIR") or "var")
        / "bench"
        / (time.strftime("results-%Y%m%d-%H%M%S") + ".json")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "quick": quick,
                "database": connection.vendor,
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "results": [asdict(r) for r in results],
            },
            indent=2,
        )
    )
    console.print(f"Results written to {out}")
    return 0
