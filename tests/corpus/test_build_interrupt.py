"""`corpus build` replaces the dataset as a whole: SIGINT at any moment leaves it all old or all new.

The dataset folder starts as the build of gold A; the gold is then changed to B (a relabelled
span, so every dataset file differs) and a build is interrupted by a real SIGINT after a random
delay, many times. After each one the stale-build check (`stale_files`) must find the folder
identical to the build of A or to the build of B, never a mix.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsspans.corpus import Corpus, Span
from newsspans.corpus.build import BUILDING, READY, build, dataset_files, recover
from newsspans.corpus.cli.commands import corpus_app
from newsspans.corpus.stale import stale_files

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
ROUNDS = 24

# The child builds on request and reports whether the build finished or was interrupted; a SIGINT
# that arrives while it is idle or reporting is ignored, so every round is one build.
CHILD = r"""
import sys, time
from pathlib import Path
from newsspans.corpus import Corpus
from newsspans.corpus.build import build

def say(msg):
    while True:
        try:
            print(msg, flush=True)
            return
        except KeyboardInterrupt:
            continue

root, scratch = Path(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
build(Corpus(root), scratch)
say(f"ready {time.perf_counter() - t:.4f}")
while True:
    try:
        line = sys.stdin.readline()
    except KeyboardInterrupt:
        continue
    if not line:
        break
    try:
        say("started")
        t = time.perf_counter()
        build(Corpus(root))
        outcome = f"done {time.perf_counter() - t:.4f}"
    except KeyboardInterrupt:
        outcome = "interrupted"
    say(outcome)
"""


def _gold_b(root: Path) -> None:
    """Relabel Pyongyang LOC -> ORG: the documents rows, the tokens tags and the card counts all change."""
    corpus = Corpus(root)
    spans = [Span(**{**s.to_dict(), "label": "ORG"}) if (s.label, s.text) == ("LOC", "Pyongyang") and s.id == "T3"
             else s for s in corpus.load()[1]]
    corpus.write_gold(spans)


@pytest.fixture
def two_builds(tmp_path):
    """(corpus root holding gold B and the dataset of gold A, reference build A, reference build B)."""
    root = tmp_path / "corpus"
    shutil.copytree(REPO_CORPUS / "sources", root / "sources")
    shutil.copy(REPO_CORPUS / "annotations.jsonl", root / "annotations.jsonl")
    ref_a, ref_b = tmp_path / "ref-a", tmp_path / "ref-b"
    build(Corpus(root), ref_a)
    _gold_b(root)
    build(Corpus(root), ref_b)
    assert stale_files(ref_a, ref_b) == dataset_files()  # every file tells A from B
    return root, ref_a, ref_b


def _reset_to(root: Path, ref: Path) -> None:
    for name in dataset_files():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ref / name, root / name)


def _state(root: Path, ref_a: Path, ref_b: Path) -> str:
    """'old' or 'new'; fails on a mixed dataset or on a leftover build folder."""
    assert not (root / BUILDING).exists() and not (root / READY).exists()
    old, new = stale_files(root, ref_a), stale_files(root, ref_b)
    assert old == [] or new == [], f"mixed dataset: differs from A in {old}, from B in {new}"
    return "old" if old == [] else "new"


def test_sigint_at_random_moments_leaves_the_dataset_all_old_or_all_new(two_builds, tmp_path):
    root, ref_a, ref_b = two_builds
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(tmp_path / "warm")], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    rng = random.Random(14)
    outcomes = []
    try:
        duration = float(child.stdout.readline().split()[1])
        for _ in range(ROUNDS):
            _reset_to(root, ref_a)
            child.stdin.write("go\n")
            child.stdin.flush()
            assert child.stdout.readline().strip() == "started"
            time.sleep(rng.uniform(0, 1.5 * duration))
            child.send_signal(signal.SIGINT)
            outcome, *seconds = child.stdout.readline().split()
            if seconds:  # a build that finished: aim the next signals inside builds as long as this one
                duration = min(duration, float(seconds[0]))  # (on a busy machine the warm-up may be slow)
            outcomes.append((outcome, _state(root, ref_a, ref_b)))
    finally:
        child.stdin.close()
        child.wait(30)
    assert child.returncode == 0
    # An interrupted build leaves the old dataset, unless it was interrupted past its commit point.
    assert all(state == "new" for outcome, state in outcomes if outcome == "done"), outcomes
    interrupted = [state for outcome, state in outcomes if outcome == "interrupted"]
    assert len(interrupted) >= ROUNDS // 3, outcomes  # the signal really landed inside builds


def test_sigint_to_the_cli_build(two_builds):
    """The real command, interrupted: no traceback, exit 130, and the dataset all old or all new."""
    root, ref_a, ref_b = two_builds
    exe = Path(sys.executable).with_name("newsspans")
    rng = random.Random(7)
    for _ in range(3):
        _reset_to(root, ref_a)
        proc = subprocess.Popen([str(exe), "corpus", "build", "--corpus", str(root)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.1, 0.9))  # the whole command takes about 0.7 s, start-up included
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        # 130: Ctrl-C handled; -SIGINT: it came before Python installed its handler (what a shell shows as 130)
        assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err)
        _state(root, ref_a, ref_b)


def test_a_swap_cut_short_between_renames_is_finished_by_the_next_run(two_builds, monkeypatch):
    """What a SIGKILL or power cut between two renames leaves: the next run completes the swap."""
    root, ref_a, ref_b = two_builds
    _reset_to(root, ref_a)
    real_replace, calls = os.replace, []

    def crash_after_first(src, dst):
        if calls:
            raise SystemExit("killed")  # stands for the process dying here
        calls.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr("newsspans.corpus.build.os.replace", crash_after_first)
    monkeypatch.setattr("newsspans.corpus.build.shutil.rmtree", lambda *a, **k: None)  # a dead process cleans nothing
    with pytest.raises(SystemExit):
        build(Corpus(root))
    monkeypatch.undo()
    assert (root / READY).exists()
    assert 0 < len(stale_files(root, ref_a)) < len(dataset_files())  # mixed on disk, until the next run
    result = CliRunner().invoke(corpus_app, ["build", "--check", "--corpus", str(root)])
    assert result.exit_code == 0, result.output
    assert _state(root, ref_a, ref_b) == "new"


def test_an_unfinished_build_folder_is_discarded(two_builds):
    root, ref_a, ref_b = two_builds
    _reset_to(root, ref_a)
    (root / BUILDING / "documents").mkdir(parents=True)
    (root / BUILDING / "documents" / "half.parquet").write_bytes(b"PAR1")
    recover(root)
    assert _state(root, ref_a, ref_b) == "old"
