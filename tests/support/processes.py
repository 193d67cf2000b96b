"""Child processes in tests: the CLI as a real process, and whether a process still runs."""
from __future__ import annotations

import os
import sys
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
