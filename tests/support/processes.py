"""Child processes in tests: the CLI as a real process, and whether a process still runs."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

NEWSSPANS = [sys.executable, "-c", "from newsspans.corpus.cli.app import main; main()"]


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its status has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] not in (b"Z", b"X")


def group_members(pgid: int) -> list[int]:
    """Running processes of process group `pgid`."""
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid and alive(int(entry)):
                    members.append(int(entry))
            except OSError:
                pass
    return members


def signalled_cli(args: list[str], ready, send, env: dict | None = None, seconds: float = 60.0) -> tuple[int, str]:
    """Run `newsspans ARGS` in a process group of its own (as a shell runs a foreground job),
    wait until `ready()` is true, `send(proc)` a signal, and return its exit code and stderr."""
    proc = subprocess.Popen([*NEWSSPANS, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + seconds
        while not ready():
            assert time.monotonic() < deadline and proc.poll() is None, "never got ready"
            time.sleep(0.05)
        send(proc)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err


def to_group(sig: int):
    """A terminal's way: `sig` to the whole foreground group (the harness and its workers)."""
    return lambda proc: os.killpg(proc.pid, sig)


def to_process(sig: int):
    """`kill -SIG pid`, or a supervisor's way: the harness alone."""
    return lambda proc: proc.send_signal(sig)
