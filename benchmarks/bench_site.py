"""Build the site for many synthetic partners and measure what a visitor gets.

``python benchmarks/bench_site.py [--counts 1000,10000] [--seed 1] [--keep DIR] [--profile]``
writes seeded synthetic partners for each count, runs ``mkdocs build`` on them, and reports:

- the build's wall time and peak memory (resident set of the build process);
- the bytes a visitor downloads, gzip-compressed as a web server sends them: before the
  first results show on ``/partners/``, and before the results and facet counts of a filtered
  view and of a search show;
- in headless Chromium, the time from a keystroke in the search box to the first frame with
  the updated results: the first keystroke of the visit, then the median and 95th percentile
  of the others.

``--profile`` runs the largest build under cProfile and prints its top functions.

Goals on a 2-core machine at 10,000 partners: build under 90 s and 2 GB, under 300 KB before
the first results, under 100 ms from keystroke to results.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_partners  # noqa: E402 - needs the path above

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
EPOCH = "1795824000"  # 2026-11-28
#: Words typed one key at a time: partner names, a city, a service label, a miss.
WORDS = ("cloud", "munich", "migration", "zenith", "quasar")
#: A view with a facet ticked in three facets, and a search.
FILTERED = "/partners/?badge=psp&service=migration&region=emea"
SEARCHED = "/partners/?q=cloud"
READY = ("document.querySelector('[data-pl-locator]')?.dataset.plReady && "
         "!document.querySelector('[data-pl-locator]').hasAttribute('aria-busy') && "
         "document.querySelector('[data-pl-status]').textContent.includes('partner') && "
         "location.search.length > 1")


def build(project: Path, site: Path, profile: Path | None = None) -> tuple[float, float]:
    """Run mkdocs build; return (seconds, peak MiB of the build process)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join(
               p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"),
                "-d", str(site)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=project)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"mkdocs build failed with status {process.returncode}")
    return seconds, usage.ru_maxrss / 1024


def compressed_size(site: Path, url: str) -> int:
    """What a server with gzip would send for one URL of the site."""
    path = unquote(urlsplit(url).path).lstrip("/")
    target = site / path
    if target.is_dir() or path.endswith("/") or not path:
        target = target / "index.html"
    if not target.is_file():
        return 0
    raw = target.read_bytes()
    return min(len(raw), len(gzip.compress(raw, compresslevel=6)))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log."""


def measure_browser(site: Path) -> dict[str, float]:
    """Bytes before results and counts, and keystroke-to-results times, in Chromium."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional tool

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.handle_error = lambda *_: None  # type: ignore[method-assign]  # aborted fetches
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def visit(url: str, ready: str) -> float:
            context = browser.new_context()
            page = context.new_page()
            seen: list[str] = []
            page.on("request", lambda request: seen.append(request.url))
            page.goto(base + url, wait_until="commit")
            page.wait_for_function(ready, timeout=60_000)
            total = sum(compressed_size(site, u) for u in dict.fromkeys(seen)
                        if u.startswith(base))
            context.close()
            return total / 1024

        # First results are in the HTML: what the page needs to paint them.
        figures["kb_before_first_results"] = visit(
            "/partners/", "document.querySelectorAll('.pl-card').length > 0 && "
            "getComputedStyle(document.querySelector('.pl-card')).display === 'flex'")
        figures["kb_until_page_loaded"] = visit(
            "/partners/", "document.readyState === 'complete' && "
            "document.querySelector('[data-pl-locator]').dataset.plReady")
        figures["kb_before_filtered_results_and_counts"] = visit(FILTERED, READY)
        figures["kb_before_search_results_and_counts"] = visit(SEARCHED, READY)

        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/partners/")
        page.wait_for_function("document.querySelector('[data-pl-locator]')?.dataset.plReady")
        page.evaluate("""() => {
            window.__times = [];
            let start = 0;
            document.addEventListener('keydown', () => { start = performance.now(); }, true);
            document.addEventListener('pl:results', () => {
                const typed = start;
                requestAnimationFrame(() => window.__times.push(performance.now() - typed));
            });
        }""")
        page.locator("#pl-q").focus()
        times: list[float] = []
        for word in WORDS:
            page.fill("#pl-q", "")
            page.wait_for_timeout(400)
            page.evaluate("() => { window.__times = []; }")
            for char in word:
                page.keyboard.press(char)
                page.wait_for_timeout(300)
            times.extend(page.evaluate("() => window.__times"))
        context.close()
        browser.close()
    server.shutdown()
    figures["keystroke_first_ms"] = times[0] if times else float("nan")
    later = sorted(times[1:]) or [float("nan")]
    figures["keystroke_median_ms"] = statistics.median(later)
    figures["keystroke_p95_ms"] = later[round(0.95 * (len(later) - 1))]
    figures["keystrokes_measured"] = len(times)
    return figures


def make_project(project: Path, count: int, seed: int) -> None:
    """A fresh project in ``project``: the handbook's mkdocs.yml and docs/, and ``count``
    seeded synthetic partners in partners/."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    shutil.copyfile(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    write_partners(project / "partners", count, seed=seed)


def run(count: int, seed: int, work: Path, *, browser: bool, profile: bool) -> None:
    """Generate, build and measure one size."""
    project = work / f"project-{count}"
    make_project(project, count, seed)
    site = work / f"site-{count}"
    if site.exists():
        shutil.rmtree(site)
    stats = work / f"build-{count}.prof" if profile else None
    seconds, peak = build(project, site, stats)
    files = sum(1 for p in site.rglob("*") if p.is_file())
    print(f"partners: {count:,}")
    print(f"build: {seconds:.1f} s wall, peak {peak:.0f} MiB, {files:,} files"
          + (" (under cProfile)" if stats else ""))
    if stats is not None:
        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(30)
    if browser and Path(CHROMIUM).exists():
        for name, value in measure_browser(site).items():
            print(f"{name}: {value:.1f}")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000",
                        help="comma-separated partner counts (default: 1000,10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", metavar="DIR", help="build here and keep it")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="build the largest count a second time under cProfile")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",") if c.strip()]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-site-"))
    for count in counts:
        run(count, args.seed, work, browser=not args.no_browser, profile=False)
        print()
    if args.profile and counts:
        run(max(counts), args.seed, work, browser=False, profile=True)
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
