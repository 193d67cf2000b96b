"""In-process extractors and worker processes at the edges: an extractor that prints, one that
calls sys.exit, and Ctrl-C with workers running."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time

import pytest

from newsspans.corpus.model import Document
from newsspans.evaluation.extractors.runner import run_extractor
from processes import NEWSSPANS, alive, signalled_cli, to_group, to_process

NOISY = textwrap.dedent("""
    import os, sys
    print("loading weights")                  # at import, as model code does

    def extract(text):
        # Python's stdout, in one write: two workers share stderr, and print's pieces would interleave.
        sys.stdout.write(f"tokenizing {text[:5]}\\n")
        os.write(1, b"native progress\\n")     # native code writing to file descriptor 1
        if text.startswith("\\""):
            sys.exit(3)
        return [{"start": 0, "end": 4, "label": "PER"}]
""")


# In-process, in worker processes, and with a cache (whose version check imports the module).
@pytest.mark.parametrize("options", [[], ["--workers", "2"], ["--cache", "CACHE"]], ids=["one", "workers", "cache"])
def test_an_extractor_that_prints_leaves_json_on_stdout_intact(own_gold, tmp_path, options):
    path = tmp_path / "noisy.py"
    path.write_text(NOISY)
    options = [str(tmp_path / "cache") if o == "CACHE" else o for o in options]
    done = subprocess.run([*NEWSSPANS, "score", "--gold", str(own_gold), "--extractor", f"{path}:extract",
                           "--format", "json", "--bootstrap", "0", "--no-progress", "--batch-size", "1", *options],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.stdout, done.stderr)
    report = json.loads(done.stdout)  # stdout is the report and nothing else
    # sys.exit(3) on document b is b's error, not newsspans exiting 3 without a word.
    assert report["extractor_errors"] == {"b": "the extractor called sys.exit(3)"}
    assert report["layers"]["entity"]["schemes"]["strict"]["micro"]["actual"] == 1
    assert "loading weights" in done.stderr and "tokenizing Olaf " in done.stderr, done.stderr
    assert "native progress" in done.stderr, done.stderr


def test_sys_exit_is_recorded_per_document_for_batch_extractors_too():
    class Batch:
        def predict_batch(self, texts):
            if any("exit" in t for t in texts):
                raise SystemExit("model server gone")
            return [[] for _ in texts]

    run = run_extractor(Batch(), [Document("a", "t", "fine"), Document("b", "t", "exit now")], batch_size=2)
    assert run.predictions == {"a": []}
    assert run.errors == {"b": "the extractor called sys.exit('model server gone')"}


SLOW = textwrap.dedent("""
    import os, pathlib, time

    def extract(text):
        pathlib.Path(os.environ["PID_DIR"], str(os.getpid())).write_text("")
        time.sleep(600)
        return []
""")


# A terminal's Ctrl-C goes to the whole foreground group, the harness and its workers; `kill -INT`
# or a supervisor signals the harness alone, which must not wait for the chunks still running.
@pytest.mark.parametrize("send", [to_group(signal.SIGINT), to_process(signal.SIGINT)], ids=["group", "harness"])
def test_ctrl_c_with_workers_leaves_no_worker_and_no_traceback(own_gold, tmp_path, send):
    path, pids = tmp_path / "slow.py", tmp_path / "pids"
    path.write_text(SLOW)
    pids.mkdir()
    returncode, err = signalled_cli(["score", "--gold", str(own_gold), "--extractor", f"{path}:extract",
                                     "--workers", "2", "--batch-size", "1", "--no-progress"],
                                    lambda: len(list(pids.iterdir())) == 2, send,
                                    env={**os.environ, "PID_DIR": str(pids)})
    workers = [int(p.name) for p in pids.iterdir()]
    assert returncode == 130
    assert err.strip() == "interrupted", err
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
