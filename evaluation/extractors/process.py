"""An external program as a child the harness fully owns: its pipes, its process group, its end.

The program runs in a session (and so a process group) of its own, so that a timeout or the end
of a run can signal everything it started (`/bin/sh -c`, the program, the program's children)
at once. The price is that a terminal's Ctrl-C no longer reaches it, so the harness passes the
interrupt on: whenever `ExternalProcess` is left (normal end, timeout, Ctrl-C, SIGTERM, an
error), the whole group gets SIGTERM and, after `GRACE_SECONDS`, SIGKILL. The leader is not
reaped until then (`waitid(WNOWAIT)`), so its id, which is the group's id, cannot be reused by
an unrelated process while the group is signalled.

Standard output is read as bytes, one line at a time, so a byte that is not UTF-8 is the
caller's to report (it used to kill a text-mode reader thread and leave the caller waiting
forever); standard error is drained without pause into a bounded tail, so that a chatty
program (a model's progress bar) can never block on a full pipe.
"""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from newsspans.corpus.cli import user_environment

GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL
LINGER_SECONDS = 1.0  # output awaited after the program exited while a child still holds its stdout
POLL_SECONDS = 0.05
STDERR_TAIL_BYTES = 8192


class OutputTimeout(Exception):
    """No output line arrived within the time limit."""


class StderrTail:
    """The last `limit` bytes a stream produced, read until its end without ever blocking it."""

    def __init__(self, limit: int = STDERR_TAIL_BYTES):
        self.limit = limit
        self.chunks: deque[bytes] = deque()
        self.size = 0
        self.lock = threading.Lock()

    def drain(self, stream) -> None:
        try:
            while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
                with self.lock:
                    self.chunks.append(chunk)
                    self.size += len(chunk)
                    while self.size - len(self.chunks[0]) >= self.limit:
                        self.size -= len(self.chunks.popleft())
        except (OSError, ValueError):
            pass  # the pipe was closed under us: what was read is the tail

    def lines(self, n: int = 3) -> list[str]:
        """The last `n` non-blank lines, decoded leniently (bad bytes as \\xNN escapes)."""
        with self.lock:
            data = b"".join(self.chunks)[-self.limit:]
        text = data.decode("utf-8", "backslashreplace")
        return [line.strip() for line in text.splitlines() if line.strip()][-n:]


def _pump_lines(stream, sink: queue.Queue) -> None:
    """Every line of `stream` as bytes onto `sink`, then None; never dies before the None."""
    try:
        for line in iter(stream.readline, b""):
            sink.put(line)
    except (OSError, ValueError):
        pass
    finally:
        sink.put(None)


def _feed(stream, lines: Iterable[bytes]) -> None:
    try:
        for line in lines:
            stream.write(line)
    except (OSError, ValueError):
        pass  # the program stopped reading: documents without output are reported by the caller
    finally:
        try:
            stream.close()
        except OSError:
            pass


class ExternalProcess:
    """`command` run by the shell in its own process group, fed `stdin_lines` from a thread.

    Use as a context manager: on leaving it, whatever is left of the group is terminated.
    """

    def __init__(self, command: str, stdin_lines: Iterable[bytes]):
        self.command = command
        self.proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True, env=user_environment())
        self.stderr = StderrTail()
        self._lines: queue.Queue = queue.Queue()
        self._threads = [threading.Thread(target=_feed, args=(self.proc.stdin, stdin_lines), daemon=True),
                         threading.Thread(target=_pump_lines, args=(self.proc.stdout, self._lines), daemon=True),
                         threading.Thread(target=self.stderr.drain, args=(self.proc.stderr,), daemon=True)]
        for t in self._threads:
            t.start()
        self.returncode: int | None = None

    def __enter__(self) -> ExternalProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def leader_exited(self) -> bool:
        """Whether the program (the group's leader) has exited, without reaping it."""
        if self.returncode is not None:
            return True
        try:
            return os.waitid(os.P_PID, self.proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def lines(self, timeout: float | None) -> Iterator[bytes]:
        """Output lines as they come, until end of output. Raises OutputTimeout when `timeout`
        seconds pass without a line. The program may have left a child holding its stdout open:
        then `LINGER_SECONDS` after the program's exit without a line count as the end."""
        waited, exited_for = 0.0, 0.0
        while True:
            try:
                line = self._lines.get(timeout=POLL_SECONDS)
            except queue.Empty:
                waited += POLL_SECONDS
                if timeout is not None and waited >= timeout:
                    raise OutputTimeout(f"timed out after {timeout:g}s waiting for output") from None
                if self.leader_exited():
                    exited_for += POLL_SECONDS
                    if exited_for >= LINGER_SECONDS:
                        return
                continue
            if line is None:
                return
            waited = 0.0
            yield line

    def _signal_group(self, sig: int) -> bool:
        """Send `sig` to the group; False when no process of it is left."""
        try:
            os.killpg(self.proc.pid, sig)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:  # pragma: no cover - a member changed its credentials (setuid)
            return True

    def _group_alive(self) -> bool:
        return self._signal_group(0) and any(not _is_zombie(pid) for pid in _group_members(self.proc.pid))

    def terminate_group(self, grace: float = GRACE_SECONDS) -> None:
        """SIGTERM to every process of the group, SIGKILL to what is left after `grace` seconds."""
        if not self._signal_group(signal.SIGTERM):
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            # The leader is reaped by close(); until then it is a zombie, which counts as gone.
            if not self._group_alive():
                return
            time.sleep(POLL_SECONDS)
        self._signal_group(signal.SIGKILL)

    def close(self) -> int:
        """End the group (see the module docstring), reap the program, stop the threads; the exit code."""
        if self.returncode is not None:
            return self.returncode
        try:
            self.terminate_group()
        finally:
            self.returncode = self.proc.wait()
            for t in self._threads[1:]:
                t.join(timeout=GRACE_SECONDS)
            for stream in (self.proc.stdout, self.proc.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
        return self.returncode


def _group_members(pgid: int) -> list[int]:
    """Ids of the processes in group `pgid` (from /proc; empty where there is none)."""
    members = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return [pgid]  # no /proc: fall back to what killpg(0) said
    for entry in entries:
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    members.append(int(entry))
            except OSError:
                continue
    return members


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return True  # gone
    return stat[stat.rfind(b")") + 2:][:1] in (b"Z", b"X")


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived: leave through every `finally` (which ends child processes),
    then exit with 128 + the signal number, as a process killed by that signal reports."""


@contextmanager
def exit_cleanly_on_termination() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into `Terminated` while the block runs (main thread only; the
    previous handlers are restored after), so a killed harness still ends its children."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(128 + signum)

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
