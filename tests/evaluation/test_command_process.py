"""External extractors (`--command`) at the edges: bad bytes, chatty stderr, wrong ids, and no
process ever left behind (on Ctrl-C, on timeout, at the end of a run)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from processes import alive, group_members, signalled_cli, to_group, to_process

from newsspans.corpus.model import Document
from newsspans.evaluation.extractors.runner import run_command

DOCS = [Document("a", "t", "Paris is big."), Document("b", "t", "Rome is old.")]


def finished(fn, seconds: float = 30.0):
    """fn()'s result, or a test failure (not a hung test run) when it does not return in time."""
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(result=fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert "result" in box, f"did not return within {seconds}s"
    return box["result"]


def script(tmp_path: Path, body: str, name: str = "x.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return f"{sys.executable} {path}"


ANSWER = """
    import json, sys
    def answer(doc, **extra):
        end = doc["text"].index(" ")
        spans = [{"start": 0, "end": end, "label": "LOC"}]
        return json.dumps({"id": doc["id"], "spans": spans, **extra})
"""


def test_a_non_utf8_byte_on_stdout_is_that_documents_error_naming_the_byte_offset(tmp_path):
    command = script(tmp_path, ANSWER + """
    docs = [json.loads(line) for line in sys.stdin]
    out = sys.stdout.buffer
    out.write(b'{"id": "a", "spans": [], "note": "caf\\xe9"}\\n')   # Latin-1, not UTF-8
    out.write((answer(docs[1]) + "\\n").encode())
    """)
    run = finished(lambda: run_command(command, DOCS))
    # '{"id": "a", "spans": [], "note": "caf' is 37 bytes: the bad byte is the 38th, offset 37.
    assert run.errors == {"a": "RuntimeError: output line 1 is not valid UTF-8: byte 0xe9 at byte offset 37 "
                               "of the output"}
    assert [p.end for p in run.predictions["b"]] == [4]
    # With a time limit it is the same error, not "timed out".
    assert finished(lambda: run_command(command, DOCS, timeout=5)).errors == run.errors


def test_a_bad_byte_then_megabytes_on_stderr_neither_kills_the_reader_nor_blocks(tmp_path):
    command = script(tmp_path, ANSWER + """
    sys.stderr.buffer.write(b"progress \\xff\\n")
    for i in range(4000):                    # ~300 KB, far beyond a 64 KB pipe buffer
        sys.stderr.write(f"loading shard {i:05d} " + "#" * 60 + "\\n")
    sys.stderr.flush()
    for line in sys.stdin:
        doc = json.loads(line)
        if doc["id"] == "b":
            sys.stderr.write("CUDA out of memory\\n")
            sys.exit(1)
        print(answer(doc), flush=True)
    """)
    run = finished(lambda: run_command(command, DOCS))
    assert set(run.predictions) == {"a"}
    # The error shows the tail of stderr, its last lines.
    assert run.errors["b"].startswith("RuntimeError: command exited with code 1: loading shard 03998 ")
    assert run.errors["b"].endswith(" | CUDA out of memory")


def test_lines_for_unknown_ids_are_named_in_the_error(tmp_path):
    command = script(tmp_path, ANSWER + """
    for line in sys.stdin:
        doc = json.loads(line)
        print(json.dumps({"id": doc["id"].upper(), "spans": []}), flush=True)
    """)
    run = finished(lambda: run_command(command, DOCS))
    assert run.errors == {d.id: "RuntimeError: the command wrote no output line for this document; it wrote lines "
                                "for ids it was not given: 'A', 'B'" for d in DOCS}


# --- No process left behind --------------------------------------------------------------------

# An extractor that starts a grandchild which ignores SIGTERM (so only SIGKILL ends it) and keeps
# the extractor's stdout open, records both ids and its group, then serves documents.
SPAWNER = """
    import json, os, subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c",
                              "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
    with open(sys.argv[1] + ".tmp", "w") as f:
        json.dump({"pids": [os.getpid(), child.pid], "pgid": os.getpgid(0)}, f)
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    for line in sys.stdin:
        doc = json.loads(line)
        if MODE == "hang":
            time.sleep(600)
        print(json.dumps({"id": doc["id"], "spans": []}), flush=True)
"""


def spawner(tmp_path: Path, mode: str) -> tuple[str, Path]:
    record = tmp_path / "pids.json"
    return script(tmp_path, f"MODE = {mode!r}\n" + textwrap.dedent(SPAWNER), "spawner.py") + f" {record}", record


def wait_for(path: Path, seconds: float = 30.0) -> dict:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return json.loads(path.read_text())


def assert_group_gone(record: dict, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while group_members(record["pgid"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert group_members(record["pgid"]) == []
    assert not any(alive(pid) for pid in record["pids"])


# Ctrl-C as a terminal sends it: the harness's foreground group gets SIGINT, and the extractor, in a
# session of its own, gets nothing from the terminal. SIGTERM as `kill` sends it: the harness alone.
@pytest.mark.parametrize("send, code, message", [(to_group(signal.SIGINT), 130, "interrupted"),
                                                 (to_process(signal.SIGTERM), 128 + signal.SIGTERM, "")],
                         ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_ends_the_command_and_its_grandchild(own_gold, tmp_path, send, code, message):
    command, record_path = spawner(tmp_path, "hang")
    started = []

    def ready() -> bool:  # the extractor and its grandchild run
        if record_path.exists():
            started.append(json.loads(record_path.read_text()))
            assert all(alive(pid) for pid in started[0]["pids"])
        return bool(started)

    returncode, err = signalled_cli(["score", "--gold", str(own_gold), "--command", command, "--no-progress"],
                                    ready, send)
    assert returncode == code
    assert err.strip() == message and "Traceback" not in err
    assert_group_gone(started[0])


def test_a_timeout_ends_the_whole_group(tmp_path):
    command, record_path = spawner(tmp_path, "hang")
    run = finished(lambda: run_command(command, DOCS, timeout=1))
    assert run.errors == {d.id: "RuntimeError: timed out after 1s waiting for output" for d in DOCS}
    assert_group_gone(wait_for(record_path))


def test_a_child_left_running_at_the_end_of_a_run_is_ended(tmp_path):
    # The program answers and exits, but its grandchild still runs and still holds stdout open:
    # the run ends anyway, with every answer, and the grandchild with it.
    command, record_path = spawner(tmp_path, "answer")
    run = finished(lambda: run_command(command, DOCS))
    assert set(run.predictions) == {"a", "b"} and not run.errors
    assert_group_gone(wait_for(record_path))


@pytest.mark.parametrize("given", [None, "12"])
def test_newsspans_quiets_openblas_in_its_own_process_but_a_command_gets_the_users_environment(tmp_path, given):
    # What the console script sets when the user has not (corpus.cli.QUIET_BLAS) is for
    # newsspans' own process: an in-process extractor sees it, a --command the user's own value.
    record = tmp_path / "seen.jsonl"
    (tmp_path / "envner.py").write_text(textwrap.dedent(f"""
        import json, os
        def extract(text):
            with open({str(record)!r}, "a") as fh:
                fh.write(json.dumps(["in-process", os.environ.get("OPENBLAS_THREAD_TIMEOUT")]) + "\\n")
            return []
    """))
    command = script(tmp_path, f"""
        import json, os, sys
        with open({str(record)!r}, "a") as fh:
            fh.write(json.dumps(["command", os.environ.get("OPENBLAS_THREAD_TIMEOUT")]) + "\\n")
        for line in sys.stdin:
            print(json.dumps({{"id": json.loads(line)["id"], "spans": []}}), flush=True)
    """)
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    if given is not None:
        env["OPENBLAS_THREAD_TIMEOUT"] = given
    newsspans = str(Path(sys.executable).with_name("newsspans"))
    for source in (["--extractor", "envner:extract"], ["--command", command]):
        done = subprocess.run([newsspans, "score", *source, "--bootstrap", "0"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    seen = {tuple(json.loads(line)) for line in record.read_text().splitlines()}
    assert seen == {("in-process", given or "4"), ("command", given)}


@pytest.mark.parametrize("given", [None, "12"])
def test_a_process_started_by_newsspans_still_knows_what_the_user_set(given):
    """A spawned worker imports the modules afresh: what `main` added is known from the
    environment it inherits, so a --command it starts gets the user's environment too."""
    from newsspans.corpus import cli

    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_THREAD_TIMEOUT", cli.ADDED)}
    if given is not None:
        env["OPENBLAS_THREAD_TIMEOUT"] = given
    probe = textwrap.dedent("""
        import json, os, subprocess, sys
        from newsspans.corpus import cli
        sys.argv = ["newsspans", "--version"]
        try:
            cli.main()  # sets what the user did not, as the console script does
        except SystemExit:
            pass
        child = os.environ.copy()  # what a worker process inherits, then imports afresh
        out = subprocess.run([sys.executable, "-c", "import json; from newsspans.corpus.cli import "
                              "user_environment as u; print(json.dumps(u()))"],
                             env=child, capture_output=True, text=True, check=True).stdout
        print(json.dumps([os.environ.get("OPENBLAS_THREAD_TIMEOUT"), json.loads(out)]))
    """)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    own, handed = json.loads(done.stdout.strip().splitlines()[-1])
    assert own == (given or "4")
    assert handed.get("OPENBLAS_THREAD_TIMEOUT") == given and cli.ADDED not in handed
    assert {k: v for k, v in handed.items() if k != "OPENBLAS_THREAD_TIMEOUT"} == \
        {k: v for k, v in env.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
