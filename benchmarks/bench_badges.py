"""How fast the badge engine evaluates synthetic partners with about ten years of history.

    python benchmarks/bench_badges.py [COUNT ...]     (default: 10000 100000)

Each size is generated with the seeded generator and loaded first (not timed here: see
``bench_validate.py``); then every badge of every partner is evaluated as of a fixed day, the
way ``partner-locator badges`` and the site do. Prints milliseconds per partner, the number of
status changes computed, and the peak resident memory of the process (loaded partners
included).
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import write_partners

from generator.load import load_folder
from generator.report.badges import evaluate_all

AS_OF = date(2026, 11, 28)


def measure(count: int) -> tuple[float, int, dict[str, int], float]:
    """Evaluate ``count`` partners; (seconds, transitions, statuses, peak MiB)."""
    with tempfile.TemporaryDirectory(prefix="bench-badges-") as scratch:
        folder = Path(scratch) / "partners"
        write_partners(folder, count, seed=count)
        result = load_folder(folder)
    if not result.ok or result.program is None:
        raise SystemExit("synthetic data did not load")
    started = time.perf_counter()
    states = evaluate_all(result.partners, result.program, AS_OF)
    elapsed = time.perf_counter() - started
    transitions = sum(len(s.history) for badges in states.values() for s in badges.values())
    statuses: dict[str, int] = {}
    for badges in states.values():
        for state in badges.values():
            statuses[state.status] = statuses.get(state.status, 0) + 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return elapsed, transitions, statuses, peak


def main() -> None:
    """Run the sizes named on the command line."""
    sizes = [int(arg) for arg in sys.argv[1:]] or [10000, 100000]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {len(os.sched_getaffinity(0))} cores; as of {AS_OF}"
    )
    print(
        f"{'partners':>9} {'seconds':>8} {'ms/partner':>10} {'changes':>8} {'peak MiB':>9}"
        "  statuses"
    )
    for count in sizes:
        elapsed, transitions, statuses, peak = measure(count)
        shown = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        print(
            f"{count:>9} {elapsed:>8.2f} {1000 * elapsed / count:>10.3f} {transitions:>8} "
            f"{peak:>9.0f}  {shown}"
        )


if __name__ == "__main__":
    main()
