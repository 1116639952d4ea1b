"""How fast ``partner-locator validate`` checks synthetic partner folders, cold.

    python benchmarks/bench_validate.py [COUNT ...]     (default: 1000 10000)

Each size is generated once with the seeded generator, then validated in a fresh process (a
cold start: imports, every file read and parsed, every check). Prints wall time, files per
second and the peak resident memory of the largest process (the command or one worker).
"""

from __future__ import annotations

import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_partners


def measure(count: int) -> tuple[float, float]:
    """Validate ``count`` synthetic partners; returns (seconds, peak MiB)."""
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as scratch:
        folder = Path(scratch) / "partners"
        write_partners(folder, count, seed=count)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "generator", "validate", "--partners", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    if done.returncode != 0:
        raise SystemExit(f"validate failed on synthetic data:\n{done.stdout[-2000:]}")
    return elapsed, peak


def main() -> None:
    """Run the sizes named on the command line."""
    sizes = [int(arg) for arg in sys.argv[1:]] or [1000, 10000]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {len(__import__('os').sched_getaffinity(0))} cores"
    )
    print(f"{'partners':>9} {'seconds':>8} {'files/s':>8} {'peak MiB':>9}")
    for count in sizes:
        elapsed, peak = measure(count)
        print(f"{count:>9} {elapsed:>8.2f} {count / elapsed:>8.0f} {peak:>9.0f}")


if __name__ == "__main__":
    main()
