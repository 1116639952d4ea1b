"""Measure the build at scale: cold, unchanged, daily and one-file builds, ``mkdocs serve``,
the site's size, bytes on the wire, and Hugo on the same partners.

``python benchmarks/bench_build.py [--counts 1000,10000] [--seed 1] [--keep DIR] [--no-serve]
[--no-hugo] [--no-browser] [--json FILE] [--markdown]`` makes, for each count, a project like
``bench_site.py`` does (the handbook's mkdocs.yml and docs/, seeded synthetic partners) and
prints one table per count:

1. a cold ``mkdocs build`` (no ``site/``, no ``.cache/``): wall seconds, CPU seconds (user and
   system time of the whole process tree), peak memory of the whole tree (the sum of the
   resident sets of the process and its descendants, sampled every 50 ms) and the peak
   resident set of the largest single process;
2. a rebuild with nothing changed (``site/`` and the cache kept), twice: the first rebuild
   after a cold build, and the next, which takes the partners' folders from the site before
   the published one as every later build does;
3. the daily rebuild: the same data, ``SOURCE_DATE_EPOCH`` one day later;
4. a rebuild after one partner's summary changed;
5. ``mkdocs serve``: 20 times, the time from writing a new summary into one partner file to
   the new text being served on its profile, and the server's memory after the first and the
   last change;
6. the size of ``site/``: bytes and files;
7. the bytes a visitor downloads (gzip) before the first results, a filtered view and a
   searched view, and keystroke-to-results times (``bench_site.measure_browser``);
8. Debian's ``hugo`` on the same partners with a minimal template: cold, unchanged and
   one-file builds, and the project/Hugo ratios of CPU and wall seconds.

Every figure is printed beside the goal of issue 13 that applies to it (PASS/MISS at the
count the goal names). ``--json FILE`` writes every figure; ``--markdown`` prints the table of
``docs/performance.md``; ``--render FILE`` prints that table from a saved ``--json`` file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_site

ROOT = bench_site.ROOT
EPOCH = int(bench_site.EPOCH)
DAY = 86_400
MIB = 1024 * 1024
SAMPLE_SECONDS = 0.05
POLL_SECONDS = 0.02
CHANGES = 20
#: A folded summary as the synthetic generator writes it: the key line, then one text line.
SUMMARY = re.compile(r"^(summary: >\n  )(.*)$", re.MULTILINE)
NAME = re.compile(r"^name: (.*)$", re.MULTILINE)


# --- the process tree --------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = text.rsplit(")", 1)[-1].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _rss_kib(pid: int) -> int:
    """The resident set of one process in KiB (0 once it has exited)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_rss_mib(root: int) -> float:
    """The sum of the resident sets of ``root`` and all its descendants, in MiB."""
    children = _children()
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kib(pid)
        todo.extend(children.get(pid, ()))
    return total / 1024


class PeakSampler:
    """Samples the memory of a process tree in a thread and keeps the largest sum."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak_mib = max(self.peak_mib, tree_rss_mib(self.pid))
            if self._stop.wait(SAMPLE_SECONDS):
                return

    def start(self) -> None:
        """Start sampling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling and wait for the thread."""
        self._stop.set()
        self._thread.join()


@dataclass
class Usage:
    """What one run of a command cost."""

    wall_s: float
    cpu_s: float
    peak_tree_mib: float
    largest_mib: float
    #: What the tree wrote to the file system (``ru_oublock``, 512-byte blocks).
    written_mib: float


def _tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def measure(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Usage:
    """Run ``command`` to its end; wall, CPU (the whole tree, from wait4) and memory."""
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
        sampler = PeakSampler(process.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            _kill_group(process)
            process.wait()
            raise
        finally:
            sampler.stop()
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed with status "
                         f"{process.returncode}:\n{_tail(log)}")
    return Usage(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime,
                 peak_tree_mib=sampler.peak_mib, largest_mib=usage.ru_maxrss / 1024,
                 written_mib=usage.ru_oublock * 512 / MIB)


# --- the project -------------------------------------------------------------------------


def mkdocs_env(epoch: int) -> dict[str, str]:
    """The environment of a reproducible build on the day of ``epoch``."""
    return {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": "1",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}


def mkdocs_build(project: Path, epoch: int, log: Path) -> Usage:
    """``mkdocs build`` of the project into its own ``site/``."""
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f",
               str(project / "mkdocs.yml")]
    return measure(command, project, mkdocs_env(epoch), log)


def with_summary(original: str, word: str) -> str:
    """A partner file's text with ``word`` put at the start of its summary."""
    text, found = SUMMARY.subn(lambda m: f"{m[1]}{word} {m[2]}", original, count=1)
    if found != 1:
        raise SystemExit("no folded summary in the partner file")
    return text


def site_size(site: Path) -> tuple[int, int]:
    """Apparent bytes (the sum of st_size) and the number of regular files under ``site``."""
    total = files = 0
    for folder, _, names in os.walk(site):
        for name in names:
            info = Path(folder, name).lstat()
            if stat.S_ISREG(info.st_mode):
                total += info.st_size
                files += 1
    return total, files


def word_for(count: int, change: int) -> str:
    """A word found nowhere else in the site."""
    return f"changed{count}n{change:02d}x{secrets.token_hex(4)}"


# --- mkdocs serve ------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(url: str, ready: Callable[[str], bool], process: subprocess.Popen[bytes],
              timeout: float, log: Path) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"mkdocs serve stopped with status {process.returncode}:\n"
                             f"{_tail(log)}")
        try:
            # mkdocs serve holds a request while it rebuilds: wait with it.
            left = max(1.0, min(60.0, deadline - time.perf_counter()))
            with urllib.request.urlopen(url, timeout=left) as response:  # noqa: S310 - local
                if ready(response.read().decode("utf-8", errors="replace")):
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"{url} did not show the change within {timeout:.0f} s:\n{_tail(log)}")


def _contains(word: str) -> Callable[[str], bool]:
    return lambda body: word in body


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop ``mkdocs serve`` as Ctrl-C does, then kill whatever is left of its group."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    _kill_group(process)
    process.wait()


def measure_serve(project: Path, partner: Path, *, epoch: int, count: int,
                  timeout: float, log: Path, changes: int = CHANGES) -> dict[str, float]:
    """Seconds from saving a new summary to its profile serving it, ``changes`` times, and
    memory after the first and the last change."""
    original = partner.read_text(encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/partners/{partner.stem}/"
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
               "-a", f"127.0.0.1:{port}"]
    times: list[float] = []
    memory: list[float] = []
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=project, env=mkdocs_env(epoch), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for(url, lambda _: True, process, timeout, log)
            ready = time.perf_counter() - start
            for change in range(changes):
                word = word_for(count, change)
                text = with_summary(original, word)
                saved = time.perf_counter()
                partner.write_text(text, encoding="utf-8")
                _wait_for(url, _contains(word), process, timeout, log)
                times.append(time.perf_counter() - saved)
                print(f"    change {change + 1}: {times[-1]:.2f} s", flush=True)
                if change in (0, changes - 1):
                    memory.append(tree_rss_mib(process.pid))
        finally:
            stop_server(process)
            partner.write_text(original, encoding="utf-8")
    ordered = sorted(times)
    return {"ready_s": ready, "first_s": times[0], "median_s": statistics.median(ordered),
            "p95_s": ordered[round(0.95 * (len(ordered) - 1))], "max_s": ordered[-1],
            "changes": len(times), "mib_after_first": memory[0], "mib_after_last": memory[-1]}


# --- Hugo --------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://partners.example.com/"
title = "Partner Locator"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<main>
<h1>{{ .Title }}</h1>
<p>{{ .Params.summary }}</p>
<h2>Offices</h2>
<ul>
{{ with .Params.headquarters }}<li>{{ .city }}, {{ .country }}</li>{{ end }}
{{ range .Params.locations }}<li>{{ .city }}, {{ .country }}</li>{{ end }}
</ul>
<h2>Services</h2>
<ul>{{ range .Params.services }}<li>{{ . }}</li>{{ end }}</ul>
</main>
</body>
</html>
"""
HUGO_LIST = """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<main>
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main>
</body>
</html>
"""


def hugo_front_matter(text: str) -> str:
    """A content page whose YAML front matter is the partner file, with its name as title."""
    name = NAME.search(text)
    if name is None:
        raise SystemExit("a partner file without a name")
    body = "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith("#"))
    return f"---\ntitle: {json.dumps(name[1])}\n{body}---\n"


def make_hugo_site(site: Path, partners: Path) -> None:
    """A minimal Hugo site with one content page per partner of ``partners``."""
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "content" / "partners").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (site / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    for path in partner_files(partners):
        (site / "content" / "partners" / f"{path.stem}.md").write_text(
            hugo_front_matter(path.read_text(encoding="utf-8")), encoding="utf-8")


def hugo_build(hugo: str, site: Path, log: Path) -> Usage:
    """``hugo --quiet`` of ``site`` with the cache folder beside it."""
    command = [hugo, "--quiet", "--source", str(site), "--cacheDir", str(site / "cache"),
               "--destination", str(site / "public")]
    return measure(command, site, dict(os.environ), log)


def measure_hugo(hugo: str, site: Path, partners: Path, slug: str,
                 count: int) -> dict[str, Usage]:
    """Cold, unchanged and one-file Hugo builds of the same partners."""
    make_hugo_site(site, partners)
    log = site.parent / f"hugo-{count}.log"
    for leftover in ("public", "resources", "cache"):
        shutil.rmtree(site / leftover, ignore_errors=True)
    cold = hugo_build(hugo, site, log)
    unchanged = hugo_build(hugo, site, log)
    page = site / "content" / "partners" / f"{slug}.md"
    word = word_for(count, 99)
    page.write_text(with_summary(page.read_text(encoding="utf-8"), word), encoding="utf-8")
    one_file = hugo_build(hugo, site, log)
    served = site / "public" / "partners" / slug / "index.html"
    if word not in served.read_text(encoding="utf-8"):
        raise SystemExit(f"hugo did not write the changed summary into {served}")
    return {"cold": cold, "unchanged": unchanged, "one_file": one_file}


# --- one count ---------------------------------------------------------------------------


def partner_files(partners: Path) -> list[Path]:
    """The partner files of a data folder, by name."""
    return sorted(p for p in partners.glob("*.yml") if p.name != "program.yml")


def run(count: int, seed: int, work: Path, figures: dict[str, Any], save: Callable[[], None],
        *, serve: bool, hugo: str | None, browser: bool, changes: int = CHANGES) -> None:
    """Make one project and measure everything at one count into ``figures``; ``save`` is
    called after each step, so that a run stopped half-way keeps what it measured."""
    project = work / f"project-{count}"
    started = time.perf_counter()
    bench_site.make_project(project, count, seed)
    # The benchmark reports the site's size itself; the build's own limit would stop it.
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - partner-locator:\n",
                                   "  - partner-locator:\n      size_limit_mb: 0\n", 1),
                      encoding="utf-8")
    partners = project / "partners"
    files = partner_files(partners)
    data_bytes = sum(p.stat().st_size for p in files)
    print(f"partners: {count:,} ({data_bytes / MIB:,.1f} MiB of partner files, "
          f"made in {time.perf_counter() - started:.1f} s)", flush=True)
    #: Other work on the machine slows the wall figures: the 1-minute load before the builds.
    figures.update({"count": count, "partner_file_bytes": data_bytes,
                    "load_average": os.getloadavg()[0]})
    site = project / "site"
    log = work / f"build-{count}.log"

    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    steps: list[tuple[str, int]] = [("cold", EPOCH), ("unchanged_first", EPOCH),
                                    ("unchanged", EPOCH), ("daily", EPOCH + DAY)]
    for name, epoch in steps:
        figures[name] = asdict(mkdocs_build(project, epoch, log))
        print(f"  {name}: {figures[name]['wall_s']:.1f} s", flush=True)
        save()

    partner = files[len(files) // 2]
    original = partner.read_text(encoding="utf-8")
    word = word_for(count, 0)
    partner.write_text(with_summary(original, word), encoding="utf-8")
    figures["one_file"] = asdict(mkdocs_build(project, EPOCH + DAY, log))
    print(f"  one_file: {figures['one_file']['wall_s']:.1f} s", flush=True)
    profile = site / "partners" / partner.stem / "index.html"
    if word not in profile.read_text(encoding="utf-8"):
        raise SystemExit(f"the build did not write the changed summary into {profile}")

    size, site_files = site_size(site)
    figures["site"] = {"bytes": size, "files": site_files}
    save()

    if not browser:
        print("  bytes on the wire: skipped (--no-browser)")
    elif not Path(bench_site.CHROMIUM).exists():
        print(f"  bytes on the wire: skipped ({bench_site.CHROMIUM} is missing)")
    else:
        figures["wire"] = bench_site.measure_browser(site)
        save()
        print("  bytes on the wire: measured", flush=True)

    if serve:
        timeout = max(300.0, 5 * float(figures["cold"]["wall_s"]))
        figures["serve"] = measure_serve(project, partner, epoch=EPOCH + DAY, count=count,
                                         timeout=timeout, log=work / f"serve-{count}.log",
                                         changes=changes)
        print(f"  serve: {changes} changes measured", flush=True)
        save()
    else:
        print("  mkdocs serve: skipped (--no-serve)")

    if hugo is None:
        print("  hugo: skipped (not on PATH)" if shutil.which("hugo") is None
              else "  hugo: skipped (--no-hugo)")
    else:
        partner.write_text(original, encoding="utf-8")
        runs = measure_hugo(hugo, work / f"hugo-{count}", partners, partner.stem, count)
        figures["hugo"] = {name: asdict(usage) for name, usage in runs.items()}
        figures["ratios"] = {
            name: {"cpu": figures[name]["cpu_s"] / max(usage.cpu_s, 1e-9),
                   "wall": figures[name]["wall_s"] / max(usage.wall_s, 1e-9)}
            for name, usage in runs.items()}
        print("  hugo: measured", flush=True)
        save()


# --- goals and tables --------------------------------------------------------------------

K100, K10 = 100_000, 10_000


@dataclass(frozen=True)
class Row:
    """One figure of the table: where it is in the JSON, how it reads, and its goal."""

    label: str
    path: tuple[str, ...]
    unit: str
    scale: float = 1.0
    digits: int = 1
    #: (count the goal is set for, the largest value that passes)
    goals: tuple[tuple[int, float], ...] = ()


ROWS = (
    Row("load average before the builds", ("load_average",), "", digits=1),
    Row("cold build, wall", ("cold", "wall_s"), "s", goals=((K100, 150),)),
    Row("cold build, CPU", ("cold", "cpu_s"), "s"),
    Row("cold build, peak memory (tree)", ("cold", "peak_tree_mib"), "MiB", digits=0,
        goals=((K100, 1024),)),
    Row("cold build, largest process", ("cold", "largest_mib"), "MiB", digits=0),
    Row("cold build, written to disk", ("cold", "written_mib"), "MiB", digits=0),
    Row("nothing changed, first rebuild, wall", ("unchanged_first", "wall_s"), "s"),
    Row("nothing changed, wall", ("unchanged", "wall_s"), "s", goals=((K100, 20),)),
    Row("nothing changed, CPU", ("unchanged", "cpu_s"), "s"),
    Row("nothing changed, peak memory", ("unchanged", "peak_tree_mib"), "MiB", digits=0),
    Row("nothing changed, written to disk", ("unchanged", "written_mib"), "MiB", digits=0),
    Row("daily rebuild, wall", ("daily", "wall_s"), "s", goals=((K100, 30),)),
    Row("daily rebuild, CPU", ("daily", "cpu_s"), "s"),
    Row("daily rebuild, peak memory", ("daily", "peak_tree_mib"), "MiB", digits=0),
    Row("daily rebuild, written to disk", ("daily", "written_mib"), "MiB", digits=0),
    Row("one summary changed, wall", ("one_file", "wall_s"), "s"),
    Row("one summary changed, CPU", ("one_file", "cpu_s"), "s"),
    Row("one summary changed, peak memory", ("one_file", "peak_tree_mib"), "MiB", digits=0),
    Row("one summary changed, written to disk", ("one_file", "written_mib"), "MiB",
        digits=0),
    Row("serve: first page served after start", ("serve", "ready_s"), "s"),
    Row("serve: save → served, first change", ("serve", "first_s"), "s", digits=2),
    Row("serve: save → served, median", ("serve", "median_s"), "s", digits=2),
    Row("serve: save → served, p95", ("serve", "p95_s"), "s", digits=2,
        goals=((K10, 2), (K100, 5))),
    Row("serve: save → served, max", ("serve", "max_s"), "s", digits=2),
    Row("serve: memory after change 1", ("serve", "mib_after_first"), "MiB", digits=0),
    Row("serve: memory after the last change", ("serve", "mib_after_last"), "MiB", digits=0),
    Row("site/ size", ("site", "bytes"), "MiB", scale=1 / MIB,
        goals=((K10, 100), (K100, 1024))),
    Row("site/ files", ("site", "files"), "", digits=0),
    Row("first results, gzip", ("wire", "kb_before_first_results"), "KiB",
        goals=((K100, 110),)),
    Row("filtered view with counts, gzip", ("wire", "kb_before_filtered_results_and_counts"),
        "KiB", goals=((K100, 200),)),
    Row("searched view with counts, gzip", ("wire", "kb_before_search_results_and_counts"),
        "KiB", goals=((K100, 200),)),
    Row("whole locator page loaded, gzip", ("wire", "kb_until_page_loaded"), "KiB"),
    Row("keystroke → results, first", ("wire", "keystroke_first_ms"), "ms", digits=0),
    Row("keystroke → results, median", ("wire", "keystroke_median_ms"), "ms", digits=0),
    Row("keystroke → results, p95", ("wire", "keystroke_p95_ms"), "ms", digits=0,
        goals=((K100, 50),)),
    Row("Hugo cold, wall", ("hugo", "cold", "wall_s"), "s", digits=2),
    Row("Hugo cold, CPU", ("hugo", "cold", "cpu_s"), "s", digits=2),
    Row("Hugo cold, peak memory", ("hugo", "cold", "peak_tree_mib"), "MiB", digits=0),
    Row("Hugo unchanged, wall", ("hugo", "unchanged", "wall_s"), "s", digits=2),
    Row("Hugo one file, wall", ("hugo", "one_file", "wall_s"), "s", digits=2),
    Row("project/Hugo CPU, cold", ("ratios", "cold", "cpu"), "x"),
    Row("project/Hugo wall, cold", ("ratios", "cold", "wall"), "x"),
    Row("project/Hugo CPU, unchanged", ("ratios", "unchanged", "cpu"), "x"),
    Row("project/Hugo wall, unchanged", ("ratios", "unchanged", "wall"), "x"),
    Row("project/Hugo CPU, one file", ("ratios", "one_file", "cpu"), "x"),
    Row("project/Hugo wall, one file", ("ratios", "one_file", "wall"), "x"),
)
#: Memory under serve is flat when the last change leaves it at most this much above the first.
FLAT = 0.10


def _value(figures: dict[str, Any], path: tuple[str, ...]) -> float | None:
    node: Any = figures
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node)


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def _goal_text(row: Row) -> str:
    return "; ".join(f"≤ {_number(limit, 0)} {row.unit} at {count // 1000}k"
                     for count, limit in row.goals)


def _verdict(row: Row, count: int, value: float) -> str:
    for goal_count, limit in row.goals:
        if goal_count == count:
            return "PASS" if value <= limit else "MISS"
    return ""


def table(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, value, goal, PASS/MISS or empty) for every figure measured at one count."""
    count = int(figures["count"])
    rows: list[tuple[str, str, str, str]] = []
    for row in ROWS:
        value = _value(figures, row.path)
        if value is None:
            continue
        shown = f"{_number(value * row.scale, row.digits)} {row.unit}".strip()
        rows.append((row.label, shown, _goal_text(row), _verdict(row, count, value * row.scale)))
        if row.path == ("serve", "mib_after_last"):
            first = _value(figures, ("serve", "mib_after_first")) or 1.0
            growth = value / first - 1
            rows.append(("serve: memory growth over the changes", f"{growth:+.0%}",
                         f"flat (≤ +{FLAT:.0%})", "PASS" if growth <= FLAT else "MISS"))
    return rows


def print_table(figures: dict[str, Any]) -> None:
    """One count's figures as an aligned text table."""
    rows = table(figures)
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"\n== {int(figures['count']):,} partners ==")
    for label, value, goal, verdict in rows:
        print(f"{label:<{widths[0]}}  {value:>{widths[1]}}  {goal:<{widths[2]}}  {verdict}"
              .rstrip())
    print(flush=True)


def markdown(results: dict[str, Any]) -> str:
    """The table of docs/performance.md: one column per count, then the goals."""
    runs = results["counts"]
    tables = [{r[0]: r for r in table(figures)} for figures in runs]
    labels = list(dict.fromkeys(label for t in tables for label in t))
    machine = results["machine"]
    lines = [
        f"Measured {results['date']} on {machine['cpus']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gib']:.0f} GiB of memory, seed {results['seed']}, with "
        f"`{results['command']}`{', Hugo ' + machine['hugo'] if machine.get('hugo') else ''}.",
        "",
        "| Figure | " + " | ".join(f"{int(f['count']):,}" for f in runs) + " | Goal |",
        "|---|" + "---:|" * len(runs) + "---|",
    ]
    for label in labels:
        cells = []
        goal = ""
        for t in tables:
            if label not in t:
                cells.append("-")
                continue
            _, value, goal_text, verdict = t[label]
            goal = goal_text or goal
            cells.append(f"{value} ({verdict})" if verdict else value)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {goal} |")
    return "\n".join(lines) + "\n"


# --- the machine and the command line ----------------------------------------------------


def machine(hugo: str | None) -> dict[str, Any]:
    """Core count, CPU model and memory of this machine (no host name)."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) * 1024
    version = ""
    if hugo is not None:
        output = subprocess.run([hugo, "version"], capture_output=True, text=True,
                                check=False).stdout.split()
        version = output[1].split("+")[0] if len(output) > 1 else ""
    return {"cpus": os.cpu_count() or 0, "cpu_model": model,
            "memory_gib": memory / 1024**3, "hugo": version}


def _write_json(path: Path | None, results: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000",
                        help="comma-separated partner counts (default: 1000,10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="make the projects here and keep them")
    parser.add_argument("--no-serve", action="store_true", help="skip mkdocs serve")
    parser.add_argument("--serve-changes", type=int, default=CHANGES, metavar="N",
                        help=f"changes saved under mkdocs serve (default {CHANGES})")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo")
    parser.add_argument("--no-browser", action="store_true",
                        help="skip the bytes on the wire (headless Chromium)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write every figure here")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the table of docs/performance.md")
    parser.add_argument("--render", metavar="FILE", type=Path,
                        help="print the table of docs/performance.md from a --json file")
    args = parser.parse_args()
    if args.render is not None:
        print(markdown(json.loads(args.render.read_text(encoding="utf-8"))), end="")
        return
    counts = [int(c.replace("_", "")) for c in args.counts.split(",") if c.strip()]
    hugo = None if args.no_hugo else shutil.which("hugo")
    if hugo is None and not args.no_hugo:
        print("hugo is not on PATH: the Hugo comparison is skipped")
    facts = machine(hugo)
    print(f"machine: {facts['cpus']} cores, {facts['cpu_model']}, "
          f"{facts['memory_gib']:.1f} GiB memory" + (f", hugo {facts['hugo']}" if hugo else ""))
    command = " ".join(
        ["python benchmarks/bench_build.py", f"--counts {','.join(map(str, counts))}",
         *([f"--seed {args.seed}"] if args.seed != 1 else []),
         *(f"--{flag}" for flag in ("no-serve", "no-hugo", "no-browser")
           if getattr(args, flag.replace("-", "_")))])
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "machine": facts, "seed": args.seed,
        "command": command, "counts": []}
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-build-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for count in counts:
            figures: dict[str, Any] = {"count": count}
            results["counts"].append(figures)
            run(count, args.seed, work, figures, lambda: _write_json(args.json, results),
                serve=not args.no_serve, hugo=hugo, browser=not args.no_browser,
                changes=args.serve_changes)
            print_table(figures)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.markdown:
        print(markdown(results), end="")


if __name__ == "__main__":
    main()
