"""Validation time per byte, from a clean partner file to one that is nothing but errors.

    python benchmarks/bench_validate_errors.py [--no-gc] [KIB ...]   (default: 16 64 128 256)

For each size, files of several kinds are generated and checked in this process with
``load_partner`` (parse, shape, meaning, locating every problem): a clean file (a valid
partner with many people), a file of nothing but short unknown keys, one whose keys are all
repeated, one whose every list item is broken and one of empty lists. It prints the CPU time
per byte of each, its ratio to the clean file of the same size, and, per kind, the ratio of
the largest size's time per byte to the smallest's. Locating a problem costs the same
whatever the number of others, so the last ratios stay near 1 (what rises with size is
mostly Python's garbage collector walking more live objects; ``--no-gc`` switches it off to
show the cost of the checks alone). A problem costs more than a
clean line: each one is a message, and an unknown key a "did you mean" search.
"""

from __future__ import annotations

import gc
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.checks import ProgramIds
from generator.load import load_partner, load_program

ROOT = Path(__file__).resolve().parent.parent
HEAD = (
    "name: Benchmark Partner\nwebsite: https://bench.example\nsummary: Timing.\n"
    "headquarters: {country: DE, city: Berlin}\nservices: [assessment]\n"
    "tracks:\n  - {tier: open, from: 2020-01-01}\n"
)


def _fill(head: str, item: Callable[[int], str], size: int) -> str:
    parts, length, index = [head], len(head), 0
    while True:
        piece = item(index)
        if length + len(piece) > size:
            return "".join(parts)
        parts.append(piece)
        length += len(piece)
        index += 1


def clean(size: int) -> str:
    """A valid partner whose people list fills the file."""
    return _fill(
        HEAD + "people:\n",
        lambda i: f"  - id: p-{i}\n    employed: {{from: 2020-01-01}}\n"
        f"    certifications: [{{type: pse, earned: 2021-06-01}}]\n",
        size,
    )


def unknown_keys(size: int) -> str:
    """Nothing but short unknown keys, each one an error."""
    return _fill("", lambda i: f"k{i:x}: 1\n", size)


def repeated_keys(size: int) -> str:
    """Every key given twice: the second half of the file is nothing but errors."""
    half = _fill("", lambda i: f"k{i:x}: 1\n", size // 2)
    return half + half


def broken_items(size: int) -> str:
    """A partner whose every person has an unknown key and an impossible date."""
    return _fill(
        HEAD + "people:\n",
        lambda i: f"  - {{id: p-{i}, employed: {{from: 2020-13-01}}, x: 1}}\n",
        size,
    )


def empty_lists(size: int) -> str:
    """A partner whose every training has an empty list of scores."""
    return _fill(
        HEAD + "trainings:\n",
        lambda i: "  - {course: gitlab-ci-cd, delivered: 2025-01-01, scores: []}\n",
        size,
    )


KINDS: dict[str, Callable[[int], str]] = {
    "clean": clean,
    "unknown keys": unknown_keys,
    "repeated keys": repeated_keys,
    "broken items": broken_items,
    "empty lists": empty_lists,
}


def per_byte(path: Path, ids: ProgramIds, expect_errors: bool) -> tuple[float, int]:
    """Best of five runs in CPU time (steadier than wall time on a shared machine): seconds
    per byte, and the number of diagnostics."""
    size = path.stat().st_size
    best = float("inf")
    found = 0
    load_partner(path, ids)  # warm caches, so the first kind measured is not penalised
    for _ in range(5):
        started = time.process_time()
        partner, diagnostics = load_partner(path, ids)
        best = min(best, time.process_time() - started)
        found = len(diagnostics)
    if expect_errors == (partner is not None):
        raise SystemExit(f"{path.name}: expected {'errors' if expect_errors else 'none'}")
    return best / size, found


def main() -> None:
    """Run the sizes named on the command line (in KiB)."""
    args = sys.argv[1:]
    if "--no-gc" in args:
        args.remove("--no-gc")
        gc.disable()
    sizes = [int(arg) for arg in args] or [16, 64, 128, 256]
    program, _ = load_program(ROOT / "partners" / "program.yml")
    if program is None:
        raise SystemExit("the shipped program.yml does not load")
    ids = ProgramIds.of(program)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, garbage collector {'on' if gc.isenabled() else 'off'}")
    print(f"{'kind':<14} {'KiB':>4} {'problems':>9} {'us/KiB':>9} {'vs clean':>9}")
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    with TemporaryDirectory(prefix="bench-errors-") as scratch:
        for kib in sizes:
            clean_cost = 0.0
            for kind, make in KINDS.items():
                path = Path(scratch) / f"{kind.replace(' ', '-')}-{kib}.yml"
                path.write_text(make(kib * 1024), encoding="utf-8")
                cost, found = per_byte(path, ids, expect_errors=kind != "clean")
                if kind == "clean":
                    clean_cost = cost
                first.setdefault(kind, cost)
                last[kind] = cost
                print(f"{kind:<14} {kib:>4} {found:>9,} {cost * 1024 * 1e6:>9.1f} "
                      f"{cost / clean_cost:>8.2f}x")
    print(f"\ntime per byte, {sizes[-1]} KiB over {sizes[0]} KiB:")
    for kind in KINDS:
        print(f"  {kind:<14} {last[kind] / first[kind]:.2f}x")


if __name__ == "__main__":
    main()
