"""Shared plumbing for the benchmark: measured children, the cached datasets, results, the machine.

Every measured step runs in a child process (`python -m bench.common <task> <args.json>`): the
parent only starts it, reaps it with `os.wait4` and reads the child's peak resident memory from
the rusage the kernel returns, so no figure ever includes the parent's own memory. The child
reports its own wall time for the step (imports excluded) and anything else it measured as JSON.

Datasets are prepared once per size and kept under bench/out/ (git-ignored): the demo generator's
issues go through `RawStore.add_issue_texts` exactly as `python -m etl demo` does, and the very same
JSON texts are written, one per line, to an NDJSON file for the floor and the pandas alternative.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA = OUT / "data"
RESULTS = OUT / "results.json"
SEED = 7
ISSUES_PER_INCIDENT = 5          # the demo generator makes about five issues per incident

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# -- measured children ----------------------------------------------------------------------------

@dataclass
class Measured:
    """What one child reported, plus its peak RSS as the kernel accounted it."""
    seconds: float          # the step itself, timed inside the child
    peak_mb: float          # peak resident set of the child process (whole process)
    result: dict            # everything else the child returned
    process_seconds: float  # wall time of the whole child, interpreter start and imports included
    cpu_seconds: float      # user + system CPU of the whole child
    load: tuple             # 1-minute load average before and after: other work on the machine shows here


def run_child(task: str, timeout: float | None = None, **kwargs) -> Measured:
    """Run `task(**kwargs)` from `bench.common.TASKS` in a fresh interpreter and measure it."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        args_path = Path(folder) / "args.json"
        result_path = Path(folder) / "result.json"
        log_path = Path(folder) / "child.log"
        args_path.write_text(json.dumps(kwargs))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        with open(log_path, "wb") as log:
            child = subprocess.Popen([sys.executable, "-m", "bench.common", task, str(args_path), str(result_path)],
                                     cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                _, status, usage = _wait4(child.pid, timeout)
            except BaseException:
                child.kill()
                os.waitpid(child.pid, 0)
                child.returncode = -9
                raise
            child.returncode = os.waitstatus_to_exitcode(status)
        process_seconds = time.monotonic() - started
        if child.returncode != 0 or not result_path.exists():
            tail = log_path.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"benchmark step {task} failed (exit {child.returncode}):\n{tail}")
        report = json.loads(result_path.read_text())
    return Measured(seconds=report.pop("seconds"), peak_mb=usage.ru_maxrss / 1024, result=report,
                    process_seconds=process_seconds, cpu_seconds=usage.ru_utime + usage.ru_stime,
                    load=(round(load_before, 2), round(os.getloadavg()[0], 2)))


def best_of(repeat: int, task: str, log=None, **kwargs) -> tuple[Measured, list[float]]:
    """Run a measured step `repeat` times; the fastest run counts (other work on the machine only
    ever makes a run slower). Returns it with every run's time."""
    runs = []
    for attempt in range(max(1, repeat)):
        runs.append(run_child(task, **kwargs))
        if log and repeat > 1:
            log(f"    run {attempt + 1}: {runs[-1].seconds:.1f} s, peak {runs[-1].peak_mb:.0f} MB, load {runs[-1].load[0]:.1f}")
    best = min(runs, key=lambda m: m.seconds)
    return best, [round(m.seconds, 3) for m in runs]


def _wait4(pid: int, timeout: float | None):
    if timeout is None:
        return os.wait4(pid, 0)
    deadline = time.monotonic() + timeout
    while True:
        waited, status, usage = os.wait4(pid, os.WNOHANG)
        if waited:
            return waited, status, usage
        if time.monotonic() > deadline:
            raise TimeoutError(f"benchmark child {pid} still running after {timeout:.0f} s")
        time.sleep(0.05)


def _child_main(task: str, args_path: str, result_path: str) -> None:
    kwargs = json.loads(Path(args_path).read_text())
    report = TASKS[task](**kwargs)
    Path(result_path).write_text(json.dumps(report, default=str))


# -- datasets ---------------------------------------------------------------------------------------

def incidents_for(issues: int) -> int:
    return max(1, round(issues / ISSUES_PER_INCIDENT))


def dataset_dir(issues: int) -> Path:
    return DATA / f"issues-{issues}"


def _generator_fingerprint() -> str:
    """Changes when the generated issues or the way they are stored would: then the cache is rebuilt."""
    import inspect

    from etl import rawstore

    digest = hashlib.md5()
    for path in sorted((ROOT / "etl" / "demo").glob("*.py")):
        digest.update(path.read_bytes())
    for part in (rawstore.SCHEMA, str(rawstore.ROW_GROUP_SIZE), inspect.getsource(rawstore.RawStore.add_issue_texts),
                 inspect.getsource(rawstore.RawStore._insert_incoming)):
        digest.update(part.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Dataset:
    issues_requested: int
    folder: Path
    incidents: int
    issues: int              # what the generator actually made
    ndjson_bytes: int
    generator: str = ""      # fingerprint of the generator version that made it

    @property
    def warehouse(self) -> Path:
        return self.folder / "warehouse.duckdb"

    @property
    def ndjson(self) -> Path:
        return self.folder / "issues.ndjson"

    @property
    def published(self) -> Path:
        return self.folder / "followthrough.duckdb"


def dataset(issues: int, log=print, keep: bool = False) -> Dataset:
    """The cached dataset for this size, prepared (in a child process) when missing or stale.

    Stale means the generator (or the way issues are stored) changed since; `keep` uses it anyway.
    """
    folder = dataset_dir(issues)
    manifest = folder / "manifest.json"
    fingerprint = _generator_fingerprint()
    if manifest.exists():
        info = json.loads(manifest.read_text())
        complete = (folder / "warehouse.duckdb").exists() and (folder / "issues.ndjson").exists()
        if complete and (keep or info.get("fingerprint") == fingerprint):
            if info.get("fingerprint") != fingerprint:
                log(f"  note: the {issues:,}-issue dataset was made by an earlier version of the generator (--keep-data)")
            return Dataset(issues, folder, info["incidents"], info["issues"], info["ndjson_bytes"],
                           info.get("fingerprint", "")[:12])
    log(f"  preparing the {issues:,}-issue dataset ({incidents_for(issues):,} incidents) in {folder} ...")
    started = time.monotonic()
    run_child("prepare", issues=issues, folder=str(folder))
    info = json.loads(manifest.read_text())
    log(f"  prepared {info['issues']:,} issues in {time.monotonic() - started:.0f} s")
    return Dataset(issues, folder, info["incidents"], info["issues"], info["ndjson_bytes"],
                   info.get("fingerprint", "")[:12])


def task_prepare(issues: int, folder: str) -> dict:
    """Generate the demo issues once; store them as `etl demo` does and write the same texts as NDJSON."""
    from etl.demo.generate import DEMO_AS_OF, generate
    from etl.demo.load import BATCH
    from etl.rawstore import RawStore

    started = time.monotonic()
    fingerprint = _generator_fingerprint()   # of the code about to run, not of whatever is there at the end
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        stale.unlink()
    incidents = incidents_for(issues)
    fetched_at = DEMO_AS_OF.replace(tzinfo=None)
    stored = written = size = 0
    with RawStore(folder / "warehouse.duckdb") as store, open(folder / "issues.ndjson", "w") as ndjson:
        load_id = store.begin_load("demo", f"demo generator (incidents={incidents}, seed={SEED})")
        batch: list[str] = []
        for issue in generate(incidents=incidents, seed=SEED):
            text = json.dumps(issue, separators=(",", ":"))
            batch.append(text)
            if len(batch) == BATCH:
                stored += store.add_issue_texts(load_id, batch, fetched_at)
                size += ndjson.write("\n".join(batch) + "\n")
                written += len(batch)
                batch = []
        stored += store.add_issue_texts(load_id, batch, fetched_at)
        if batch:
            size += ndjson.write("\n".join(batch) + "\n")
        written += len(batch)
        store.finish_load(load_id, "done", {"issues": stored})
    assert stored == written, (stored, written)
    (folder / "manifest.json").write_text(json.dumps({
        "fingerprint": fingerprint, "incidents": incidents, "issues": stored,
        "ndjson_bytes": size, "seed": SEED, "prepared_at": datetime.now(timezone.utc).isoformat()}))
    return {"seconds": time.monotonic() - started, "issues": stored}


# -- results kept between runs ------------------------------------------------------------------------

def load_results() -> dict:
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return {}


def save_result(part: str, issues: int, record: dict) -> None:
    """Merge one measurement into bench/out/results.json, so parts run separately add up to one report."""
    results = load_results()
    record = dict(record, measured_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  machine=machine_key())
    results.setdefault(part, {})[str(issues)] = record
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1, default=str))
    os.replace(tmp, RESULTS)


# -- the machine --------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gb": memory_gb, "cpu": cpu,
            "os": f"{platform.system()} {platform.release()}"}


def machine_key() -> str:
    m = machine()
    return f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']:.0f} GB"


def versions() -> dict:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for package in ("duckdb", "pandas", "streamlit", "pyarrow"):
        try:
            out[package] = version(package)
        except Exception:
            out[package] = "not installed"
    return out


# -- formatting ---------------------------------------------------------------------------------------

def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 100:
        return f"{value:.1f} s"
    return f"{value:.0f} s"


def fmt_mb(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.2f} MB"
    return f"{value / 1024:.0f} KB"


def markdown_table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# -- the registry of child tasks ---------------------------------------------------------------------

_TASKS = {
    "prepare": "bench.common:task_prepare",
    "publish": "bench.publish_bench:task_publish",
    "publish_changed": "bench.publish_bench:task_publish_changed",
    "floor": "bench.publish_bench:task_floor",
    "write_floor": "bench.publish_bench:task_write_floor",
    "pandas": "bench.pandas_alternative:task_pandas",
    "marts_figures": "bench.pandas_alternative:task_marts_figures",
    "dashboard": "bench.dashboard_bench:task_dashboard",
}


class _Tasks:
    def __getitem__(self, name):
        import importlib

        module, function = _TASKS[name].split(":")
        return getattr(importlib.import_module(module), function)


TASKS = _Tasks()

if __name__ == "__main__":
    _child_main(*sys.argv[1:4])
