"""The atomic writer respects what an output path is: file, symlink, device, FIFO, pipe, `-`, full disk.

Devices are test-local nodes (mknod, as root) so that a writer that renames over its path can
only ever damage a file in tmp_path, never the machine's /dev/null.
"""
import os
import shlex
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsspans.corpus.atomic import is_stdout, write_atomic, write_text_atomic
from newsspans.corpus.cli.commands import corpus_app
from newsspans.corpus.errors import CorpusError

REPO_CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# The script installed beside this Python: CI runs `.venv/bin/python -m pytest` with no venv on PATH.
NEWSSPANS = str(Path(sys.executable).with_name("newsspans"))


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device like /dev/null (minor 3) or /dev/full (minor 7), made in tmp_path."""
    if os.geteuid() != 0:
        return Path(f"/dev/{name}")  # not root: the real device, which a rename could not replace anyway
    node = tmp_path / name
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return node


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith("."))


def test_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("old")
    out.chmod(0o640)
    write_text_atomic(out, "new\n")
    assert out.read_text() == "new\n" and stat.S_IMODE(out.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_symlink_target_is_written_and_the_link_kept(tmp_path):
    target = tmp_path / "real" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    assert _leftovers(tmp_path) == [] and _leftovers(target.parent) == []


def test_null_device_stays_a_device(tmp_path):
    null = _device(tmp_path, "null", 3)
    write_text_atomic(null, "discarded")
    write_atomic(null, lambda p: p.write_bytes(b"\0" * 10))
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert _leftovers(tmp_path) == []


def test_full_device_is_a_one_line_error_naming_it(tmp_path):
    full = _device(tmp_path, "full", 7)
    with pytest.raises(CorpusError) as err:
        write_text_atomic(full, "x" * 10000)
    assert str(err.value) == f"{full}: cannot write: the disk is full (no space left on the device)"
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_fifo_is_written_directly(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_text_atomic(fifo, "through the pipe\n")
    reader.join(10)
    assert got == ["through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert _leftovers(tmp_path) == []


def test_process_substitution_dev_fd_is_written_directly():
    read_end, write_end = os.pipe()
    try:
        write_text_atomic(f"/dev/fd/{write_end}", "into >(wc -c)")
        os.close(write_end)
        write_end = None
        assert os.read(read_end, 100) == b"into >(wc -c)"
    finally:
        os.close(read_end)
        if write_end is not None:
            os.close(write_end)


def test_process_substitution_from_a_shell(tmp_path):
    """What a user types: `--out >(wc -c)` in bash, through the real CLI."""
    # `wait $!` waits for the process substitution (bash >= 4.4), so wc has written its count.
    script = (f"{shlex.quote(NEWSSPANS)} annotate config --out >(wc -c > {tmp_path}/count); "
              f"wait $!; cat {tmp_path}/count")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    from newsspans.annotation.config import load_config

    assert done.stdout.strip().splitlines()[-1] == str(len(load_config().xml.encode()))


def test_dash_is_stdout(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert is_stdout("-") and is_stdout(Path("-")) and not is_stdout("./-")
    write_text_atomic("-", "text out\n")
    write_atomic(Path("-"), lambda p: p.write_bytes(b"bytes out\n"))
    assert capsys.readouterr().out == "text out\nbytes out\n"
    assert not (tmp_path / "-").exists()


def test_folder_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="this is a folder, not a file"):
        write_text_atomic(tmp_path, "x")


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs: a real full disk for a regular file (root only; skipped when mount is refused)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_full_disk_keeps_the_old_file_and_leaves_nothing(small_disk):
    out = small_disk / "report.json"
    out.write_text("old")
    with pytest.raises(CorpusError) as err:
        write_text_atomic(out, "x" * 200_000)
    assert str(err.value) == f"{out}: cannot write: the disk is full (no space left on the device)"
    assert out.read_text() == "old" and sorted(p.name for p in small_disk.iterdir()) == ["report.json"]
    with pytest.raises(CorpusError, match="disk is full"):
        write_text_atomic(small_disk / "a" / "b" / "cache.json", "x" * 200_000, make_parents=True)
    assert sorted(p.name for p in small_disk.iterdir()) == ["report.json"]  # no empty folder a/b left


def test_build_onto_a_full_disk_is_one_line_exit_2_and_leaves_no_folder(small_disk):
    out = small_disk / "dataset"
    result = CliRunner().invoke(corpus_app, ["build", "--corpus", str(REPO_CORPUS), "--out", str(out)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out}/") and "the disk is full" in lines[0], lines
    assert list(small_disk.iterdir()) == []


def test_build_out_onto_a_file_is_an_error(tmp_path):
    target = tmp_path / "dataset.parquet"
    target.write_text("not a folder")
    result = CliRunner().invoke(corpus_app, ["build", "--corpus", str(REPO_CORPUS), "--out", str(target)])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {target}: cannot build the dataset here: this is a file, not a folder"
    assert target.read_text() == "not a folder"


def test_dash_on_a_command_writes_only_the_output_to_stdout(tmp_path):
    """`annotate tasks --out -`: the JSON on stdout, the "wrote" line on stderr."""
    done = subprocess.run([NEWSSPANS, "annotate", "tasks", "--out", "-", "--corpus", str(REPO_CORPUS)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    import json

    tasks = json.loads(done.stdout)
    assert len(tasks) == 4 and "wrote 4 task(s) to -" in done.stderr
    assert not (tmp_path / "-").exists()
