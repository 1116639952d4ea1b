"""``diff --base REF`` reads the base from git objects and never writes outside its scratch folder.

Each hostile base is a real commit whose ``partners`` tree is built with git's plumbing
(``hash-object``, ``mktree``, ``commit-tree``), the way a crafted push would make it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.report.diff import GitError, snapshot

BASE = Path(__file__).resolve().parent / "fixtures" / "base"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=m@example.com", "-c", "user.name=M", *args],
        cwd=repo, input=stdin, capture_output=True, check=True,
    )
    return done.stdout.decode().strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose first commit holds the base fixture in ``partners/``."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    shutil.copytree(BASE, root / "partners")
    git(root, "add", "partners")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def blob(repo: Path, data: bytes) -> str:
    return git(repo, "hash-object", "-w", "--stdin", stdin=data)


def commit_with_entries(repo: Path, *entries: tuple[str, str, bytes]) -> str:
    """Commit a ``partners`` tree of the first commit's files plus ``(mode, kind sha, name)``
    entries, as a branch named ``crafted``; returns the branch name."""
    listing = subprocess.run(
        ["git", "ls-tree", "-z", "HEAD:partners"], cwd=repo, capture_output=True, check=True
    ).stdout
    extra = b"".join(f"{mode} {kind}\t".encode() + name + b"\0" for mode, kind, name in entries)
    tree = git(repo, "mktree", "-z", stdin=listing + extra)
    return _commit_partners_tree(repo, tree)


def _commit_partners_tree(repo: Path, tree: str) -> str:
    root = git(repo, "mktree", stdin=f"040000 tree {tree}\tpartners\n".encode())
    commit = git(repo, "commit-tree", root, "-m", "crafted")
    git(repo, "update-ref", "refs/heads/crafted", commit)
    return "crafted"


def literal_tree(repo: Path, entries: list[tuple[bytes, bytes, str]]) -> str:
    """A tree object written byte by byte, for names ``mktree`` refuses (``a/b``, ``/etc``)."""
    body = b"".join(
        mode + b" " + name + b"\0" + bytes.fromhex(sha) for mode, name, sha in entries
    )
    return git(repo, "hash-object", "-t", "tree", "-w", "--literally", "--stdin", stdin=body)


def run_diff(capsys: pytest.CaptureFixture[str], ref: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(["diff", "--base", ref, "--as-of", "2026-11-01"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_a_base_with_an_entry_named_dot_dot_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sha = blob(repo, b"name: Escaped\n")
    ref = commit_with_entries(repo, ("100644", f"blob {sha}", b".."))
    before = files_under(tmp_path)
    status, out, err = run_diff(capsys, ref)
    assert status == 2
    assert out == ""
    assert err == (
        "partner-locator: error: --base: 'partners/..' at 'crafted' is not a plain file name: "
        "refusing to read it\n"
    )
    assert files_under(tmp_path) == before


@pytest.mark.parametrize(
    ("mode", "name", "shown"),
    [
        ("100644", b".", "partners/."),
        ("100644", b"evil\nname.yml", "partners/evil\\x0aname.yml"),
        ("100644", b"back\\slash.yml", "partners/back\\slash.yml"),
        ("100644", b"c:evil.yml", "partners/c:evil.yml"),
        ("100644", b"\xff\xfe.yml", "partners/\ufffd\ufffd.yml"),
    ],
)
def test_a_base_entry_with_an_unsafe_name_is_refused(
    mode: str, name: bytes, shown: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = blob(repo, b"name: Escaped\n")
    ref = commit_with_entries(repo, (mode, f"blob {sha}", name))
    status, _, err = run_diff(capsys, ref)
    assert status == 2
    assert err == (
        f"partner-locator: error: --base: '{shown}' at 'crafted' is not a plain file name: "
        "refusing to read it\n"
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (b"../escaped.yml", "partners/../escaped.yml"),
        (b"/etc/escaped.yml", "partners//etc/escaped.yml"),
        (b"nested/acme.yml", "partners/nested/acme.yml"),
    ],
)
def test_a_base_entry_with_a_path_for_a_name_is_refused(
    name: bytes, shown: str, repo: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sha = blob(repo, b"name: Escaped\n")
    tree = literal_tree(repo, [(b"100644", name, sha)])
    ref = _commit_partners_tree(repo, tree)
    status, _, err = run_diff(capsys, ref)
    assert status == 2
    assert err == (
        f"partner-locator: error: --base: '{shown}' at 'crafted' is not a plain file name: "
        "refusing to read it\n"
    )
    assert not (tmp_path / "escaped.yml").exists()
    assert not Path("/etc/escaped.yml").exists()


def test_a_base_entry_with_an_empty_name_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = blob(repo, b"name: Escaped\n")
    ref = _commit_partners_tree(repo, literal_tree(repo, [(b"100644", b"", sha)]))
    status, _, err = run_diff(capsys, ref)
    assert status == 2
    assert err == (
        "partner-locator: error: --base: cannot read 'partners' at 'crafted': empty filename "
        "in tree entry\n"
    )


def test_a_base_entry_that_is_a_symbolic_link_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = blob(repo, b"/etc/passwd")
    ref = commit_with_entries(repo, ("120000", f"blob {target}", b"zz-linked.yml"))
    status, _, err = run_diff(capsys, ref)
    assert status == 2
    assert err == (
        "partner-locator: error: --base: 'partners/zz-linked.yml' at 'crafted' is a symbolic "
        "link: refusing to read it\n"
    )


def test_a_base_entry_that_is_a_folder_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = blob(repo, b"name: Nested\n")
    inner = git(repo, "mktree", stdin=f"100644 blob {sha}\tnested.yml\n".encode())
    ref = commit_with_entries(repo, ("040000", f"tree {inner}", b"archive"))
    status, _, err = run_diff(capsys, ref)
    assert status == 2
    assert err == (
        "partner-locator: error: --base: 'partners/archive' at 'crafted' is a folder: "
        "refusing to read it\n"
    )


def test_a_base_entry_that_is_a_submodule_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(repo, "rev-parse", "HEAD")
    ref = commit_with_entries(repo, ("160000", f"commit {head}", b"vendored"))
    status, _, err = run_diff(capsys, ref)
    assert status == 2
    assert err == (
        "partner-locator: error: --base: 'partners/vendored' at 'crafted' is a submodule: "
        "refusing to read it\n"
    )


def test_snapshot_writes_every_plain_file_byte_for_byte(repo: Path, tmp_path: Path) -> None:
    # Larger than one read of the stream, with bytes that are not text.
    large = bytes(range(256)) * 700 + b"\n"
    ref = commit_with_entries(
        repo,
        ("100644", f"blob {blob(repo, large)}", b"large.bin"),
        ("100755", f"blob {blob(repo, b'')}", b"empty.yml"),
        ("100644", f"blob {blob(repo, b'kept')}", b".gitkeep"),
    )
    dest = tmp_path / "scratch"
    snapshot(ref, Path("partners"), dest)
    expected = {p.name: p.read_bytes() for p in (repo / "partners").iterdir()}
    expected |= {"large.bin": large, "empty.yml": b"", ".gitkeep": b"kept"}
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == expected


def test_snapshot_of_a_ref_without_the_folder_is_empty(repo: Path, tmp_path: Path) -> None:
    (repo / "README.md").write_text("no partners yet\n")
    git(repo, "rm", "-q", "-r", "partners")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "no partners")
    shutil.copytree(BASE, repo / "partners")
    dest = tmp_path / "scratch"
    snapshot("HEAD", Path("partners"), dest)
    assert list(dest.iterdir()) == []


def test_snapshot_refuses_before_writing_anything(repo: Path, tmp_path: Path) -> None:
    sha = blob(repo, b"name: Escaped\n")
    ref = commit_with_entries(repo, ("100644", f"blob {sha}", b".."))
    dest = tmp_path / "scratch"
    with pytest.raises(GitError, match="is not a plain file name"):
        snapshot(ref, Path("partners"), dest)
    assert list(dest.iterdir()) == []


def test_a_folder_outside_any_repository_is_wrong_usage(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere"
    shutil.copytree(BASE, outside)
    capsys.readouterr()
    assert main(["diff", "--base", "HEAD", "--partners", os.fspath(outside)]) == 2
    assert capsys.readouterr().err == (
        f"partner-locator: error: --base: '{outside}' is not in a git repository\n"
    )


def test_digests_never_follow_a_link_out_of_the_folder(tmp_path: Path) -> None:
    from generator.diff import _file_digests

    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"x" * 1_000_000)
    folder = tmp_path / "partners"
    folder.mkdir()
    (folder / "acme.svg").symlink_to(outside)
    (folder / "acme.yml").write_text("name: Acme\n", encoding="utf-8")
    first = _file_digests(folder)
    outside.write_bytes(b"y")
    assert _file_digests(folder) == first
    assert first["acme.svg"] == "unreadable"
    assert len(first["acme.yml"]) == 64
