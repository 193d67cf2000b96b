"""Start-up: how long `newsspans --help` and `newsspans score --help` take as whole processes,
side by side with a bare Python and with Python importing only typer and rich (the floor any
typer CLI with rich help pays).

Each command runs --runs times, interleaved (A B C D A B C D ...), as a child process; per run
the wall time and the child's CPU time (user + sys, from resource.getrusage) are taken. Printed:
the median of each, and the ratios of the newsspans rows to the bare-typer floor. The target is
`newsspans --help` within 0.2 s; the machine is shared, so quote medians and ratios.

The last two rows are the quick start's main job (`newsspans score --extractor baseline` on the
bundled corpus) as the console script runs it, OpenBLAS's idle threads asleep, and with
OpenBLAS's own default spin (`OPENBLAS_THREAD_TIMEOUT=28`): what the script's setting saves.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from installed import byte_compile

NEWSSPANS = str(Path(sys.executable).with_name("newsspans"))
MAIN_JOB = [NEWSSPANS, "score", "--extractor", "baseline"]
# name: (argv, environment variables set for it)
COMMANDS = {
    "python -c pass": ([sys.executable, "-c", "pass"], {}),
    "python -c 'import typer, rich'": ([sys.executable, "-c", "import typer, typer.rich_utils, rich.console"], {}),
    "newsspans --help": ([NEWSSPANS, "--help"], {}),
    "newsspans score --help": ([NEWSSPANS, "score", "--help"], {}),
    "score --extractor baseline": (MAIN_JOB, {}),
    "  the same, OpenBLAS spinning": (MAIN_JOB, {"OPENBLAS_THREAD_TIMEOUT": "28"}),
}
TARGET_SECONDS = 0.2


def one_run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    quiet = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}  # each row sets its own
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env={**quiet, "COLUMNS": "100", **env})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    byte_compile()  # as installed: no module compiled in a timed run
    for argv, env in COMMANDS.values():  # warm the file cache
        one_run(argv, env)
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.runs):
        for name, (argv, env) in COMMANDS.items():
            wall, cpu = one_run(argv, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor_wall = statistics.median(walls["python -c 'import typer, rich'"])
    floor_cpu = statistics.median(cpus["python -c 'import typer, rich'"])
    print(f"{'command':34} {'wall s':>8} {'cpu s':>8} {'wall/typer':>11} {'cpu/typer':>10}   (medians of {args.runs})")
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:34} {wall:8.3f} {cpu:8.3f} {wall / floor_wall:11.2f} {cpu / floor_cpu:10.2f}")
    help_wall = statistics.median(walls["newsspans --help"])
    verdict = "met" if help_wall <= TARGET_SECONDS else "NOT met"
    print(f"target: newsspans --help within {TARGET_SECONDS} s wall: {verdict} ({help_wall:.3f} s); "
          f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
