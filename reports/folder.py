"""The report folder: which files the scanner may replace, the folder lock, and the all-or-nothing move.

Reports are written into a private staging folder inside `--out`, then moved into place together under
a lock, so a reader never sees a mix of two scans and an interrupted run leaves the previous set. On
Windows a file that another program holds open (Excel, a PDF viewer) cannot be renamed: every old
report is moved aside before any new one is placed, and the first that cannot be moved undoes the
moves made so far, so the folder is either wholly old or wholly new. The new reports are then kept
under a visible name that the error gives.

A file is replaced only if the scanner wrote it (its signature below); anything else with a report's
name is left alone and the run stops with one line.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from scanner.errors import InputError

LOCK_NAME = ".classic-scan.lock"
STAGING_PREFIX = ".classic-scan-new-"
#: What a staging folder is renamed to when its reports could not be placed (STAGING_PREFIX minus the dot).
KEPT_PREFIX = STAGING_PREFIX[1:]
_ASIDE_PREFIX = ".previous."
_HEAD_BYTES = 8192
#: Seconds between attempts to move a report that is in use, before giving up.
MOVE_RETRY_WAITS = (0.1, 0.3, 1.0)
#: Seconds to wait for another scan moving its reports into the same folder (it takes about a second).
LOCK_TIMEOUT = 300


def check_replaceable(out_dir: Path, names: Iterable[str]) -> None:
    """InputError unless every existing `out_dir/name` is a report the scanner wrote (or absent)."""
    for name in names:
        path = out_dir / name
        if path.is_symlink():
            problem = "is a symbolic link"
        elif not path.exists():
            continue
        elif not path.is_file():
            problem = "is not a file"
        else:
            try:
                ours = written_by_classic_scan(path)
            except PermissionError:
                raise ReportOpenError(
                    f"{path}: cannot read it while another program has it open; close it in the program "
                    "that has it open and run again. Nothing was replaced"
                ) from None
            if ours:
                continue
            problem = "exists and was not written by classic-scan"
        raise InputError(
            f"{path}: {problem}; the scanner replaces only reports it wrote: move it away or choose "
            "another --out (nothing was written)"
        )


def written_by_classic_scan(path: Path) -> bool:
    """Whether a file carries the mark every writer puts near its start (a report's own signature).
    PermissionError when it cannot be read (on Windows: another program holds it)."""
    name = path.name.lower().removesuffix(".gz")
    kind = name.rsplit(".", 1)[-1] if "." in name else ""
    try:
        if kind == "xlsx":
            with zipfile.ZipFile(path) as book:
                core = book.read("docProps/core.xml")[:_HEAD_BYTES]
            return b"<dc:creator>classic-scan" in core
        with gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except PermissionError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, KeyError):  # gzip.BadGzipFile is an OSError
        return False
    if kind == "html":
        return b'<meta name="generator" content="classic-scan' in head
    if kind == "json":
        return head.startswith(b"{") and b'"schema_version"' in head and b'"tool_version"' in head
    if kind == "csv":
        return head.removeprefix(b"\xef\xbb\xbf").startswith(b"finding_id,rule_id,")
    if kind == "xml":  # junit.xml
        return b"<testsuite" in head
    return b"classic-scan" in head.lower()  # a format added later: its writer names the tool up front


def new_staging(out_dir: Path) -> Path:
    """A private folder inside `out_dir` for the reports of one run (0700 where modes mean anything)."""
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (0600), for a writer to fill in place."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def place(staging: Path, out_dir: Path, names: list[str], retired: Iterable[str] = ()) -> None:
    """Move `staging/name` to `out_dir/name` for every name, all or none (see module doc), and remove
    each `out_dir/retired` name that the scanner wrote (a report this set replaces under another
    name: findings.json when findings.json.gz is written), with the same all-or-none.

    Raises ReportOpenError when a report cannot be moved (on Windows: it is open elsewhere), after
    putting back what was moved: the staging folder then holds every new report (keep_staging)."""
    with _lock(out_dir):
        check_replaceable(out_dir, names)  # again: something may have appeared while the reports were written
        gone = [name for name in retired if name not in names and _ours(out_dir / name)]
        aside: list[tuple[Path, Path]] = []
        placed: list[tuple[Path, Path]] = []
        try:
            for name in [*names, *gone]:
                final = out_dir / name
                if final.exists():
                    old = staging / f"{_ASIDE_PREFIX}{name}"
                    _move(final, old, final)
                    aside.append((final, old))
            for name in names:
                _move(staging / name, out_dir / name, out_dir / name)
                placed.append((staging / name, out_dir / name))
        except BaseException:
            if not _undo(placed, aside):  # the previous reports are not all back: keep everything
                raise UndoFailedError(
                    f"{out_dir}: replacing the reports failed and could not be undone; the previous "
                    f"reports are in {staging} as {_ASIDE_PREFIX}NAME, the new ones there as NAME"
                ) from None
            raise
        for _, old in aside:
            with contextlib.suppress(OSError):
                old.unlink()


def _ours(path: Path) -> bool:
    """A regular file (no link) the scanner wrote; anything unreadable counts as not ours and stays."""
    try:
        return path.is_file() and not path.is_symlink() and written_by_classic_scan(path)
    except OSError:
        return False


class ReportOpenError(InputError):
    """A report could not be replaced because another program has it open (Windows semantics)."""


class UndoFailedError(InputError):
    """Replacing failed and undoing it failed too: the staging folder holds reports and must stay."""


def _move(source: Path, target: Path, report: Path) -> None:
    for wait in (*MOVE_RETRY_WAITS, None):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if wait is None:
                break
            time.sleep(wait)  # an indexer or virus scanner holds a new file for a moment on Windows
    raise ReportOpenError(
        f"{report}: cannot replace it while another program has it open; close it in the program "
        "that has it open and run again. Nothing was replaced"
    )


def _undo(placed: list[tuple[Path, Path]], aside: list[tuple[Path, Path]]) -> bool:
    """Put the new reports back into staging and the old ones back in place; False if any move failed."""
    ok = True
    for staged, final in reversed(placed):
        try:
            os.replace(final, staged)
        except OSError:
            ok = False
    for final, old in reversed(aside):
        try:
            os.replace(old, final)
        except OSError:
            ok = False
    return ok


def keep_staging(staging: Path) -> Path:
    """Rename a staging folder whose reports could not be placed to a visible name; returns where they are."""
    kept = staging.with_name(staging.name.removeprefix("."))
    try:
        os.replace(staging, kept)
    except OSError:
        return staging
    return kept


def discard_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """Two scans into one folder never interleave their sets of files.

    The lock file lives in the folder only while the reports are moved: it is removed before the lock
    is released (on Windows filelock removes it on release), so the folder handed over holds reports
    only. A waiter that had opened the removed file notices (filelock checks the link count) and
    locks the new one. A symbolic link in its place is refused rather than followed."""
    path = out_dir / LOCK_NAME
    if _is_link(path):
        raise InputError(f"{path}: is a symbolic link; remove it (the folder lock never follows links)")
    lock = FileLock(path, mode=0o600, timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(
            f"{out_dir}: another scan was still moving its reports into this folder after "
            f"{LOCK_TIMEOUT} s; run again when it has finished"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot lock the output folder: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        try:
            if os.name != "nt":
                with contextlib.suppress(OSError):
                    if path.lstat().st_size == 0:  # the lock file holds nothing; anything else is not ours
                        path.unlink()
        finally:
            lock.release()


def _is_link(path: Path) -> bool:
    """A symbolic link, or on Windows any reparse point (a junction too)."""
    try:
        attributes = getattr(path.lstat(), "st_file_attributes", 0)
    except OSError:
        return False
    return path.is_symlink() or bool(attributes & stat.FILE_ATTRIBUTE_REPARSE_POINT)
