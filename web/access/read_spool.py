"""A batched, append-only writer for the read log that loses nothing when a process dies.

Committing one `read_event` row per GET cost a rollback, a second pool checkout (with its
ping), an INSERT and a commit (a WAL flush) on every read: a quarter of the suggestions
request's time in issue 14's profile. With `READ_LOG_SPOOL_DIR` set, a read is instead put on
record by one `os.write` of a JSON line to this process's spool file (opened `O_APPEND`, no
buffering in Python), before the response leaves; a flusher moves complete lines into the
table in one transaction per file, about every `READ_LOG_FLUSH_SECONDS`.

Why nothing is lost:

- the line is in the kernel once `os.write` returns, so a SIGKILL or crash of the process
  cannot take it back (power loss can, unless `READ_LOG_FSYNC` is on: then each read waits
  for the disk, as a commit would);
- each process holds an exclusive `flock` on its own active file for as long as it lives; a
  flusher only takes files it can lock, so it never reads a file someone still writes, and a
  dead process's file (its lock died with it) is picked up by the next flusher of any process,
  or at the next start;
- the flusher rotates its own file (a fresh file takes the writes) before moving the old one,
  and deletes a file only after its rows committed; every line carries a unique `spool_key`
  and is inserted with ON CONFLICT DO NOTHING, so a file moved twice (a crash between the
  commit and the delete) does not record a read twice;
- a last line without its newline (a write cut short, e.g. by a full disk) was never
  acknowledged: the request that made it got a 503 (web.access.reads).
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import json
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from catalog.models import ReadEvent

log = logging.getLogger(__name__)

PREFIX = "reads-"
SUFFIX = ".jsonl"


def _encode(event: dict[str, Any]) -> bytes:
    row = dict(event)
    row["at"] = row["at"].isoformat()
    return (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _decode(line: bytes) -> dict[str, Any]:
    row = json.loads(line)
    row["at"] = dt.datetime.fromisoformat(row["at"])
    return row


class ReadSpool:
    """One per app; the file and the flusher thread belong to the process that writes, so a
    forked worker opens its own (checked by pid on every append)."""

    def __init__(
        self, directory: str | Path, engine: Engine, *, interval: float = 1.0, fsync: bool = False
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.engine = engine
        self.interval = interval
        self.fsync = fsync
        self._lock = threading.Lock()
        self._pid = 0
        self._fd = -1
        self._path: Path | None = None
        self._written = 0
        self._key_prefix, self._seq = "", 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ writing

    def _open(self) -> None:
        """A fresh, exclusively locked file for this process (caller holds `_lock`)."""
        name = f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}{SUFFIX}"
        path = self.directory / name
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd, self._path, self._written = fd, path, 0
        # Keys of this file's lines: 80 random bits of its own, then a counter (no random draw,
        # a system call, per read: issue 14's profile). Unique across files and processes.
        self._key_prefix, self._seq = secrets.token_hex(10), 0

    def append(self, event: dict[str, Any]) -> None:
        """Put one read on record; returns once the line is in the kernel (or on disk with
        `fsync`). Raises OSError when it cannot: the caller then withholds the response."""
        with self._lock:
            if self._pid != os.getpid():  # first write in this process (or after a fork)
                if self._fd >= 0:
                    os.close(self._fd)  # the parent's file stays the parent's
                self._pid, self._thread = os.getpid(), None
                self._open()
                atexit.register(self._at_exit)
            self._seq += 1
            line = _encode({**event, "spool_key": f"{self._key_prefix}{self._seq:012x}"})
            view = memoryview(line)
            while view:  # a regular file takes it whole; the loop is for the odd short write
                view = view[os.write(self._fd, view) :]
            if self.fsync:
                os.fsync(self._fd)
            self._written += len(line)
        if self._thread is None:
            self.start()

    def _rotate(self, *, reopen: bool = True) -> None:
        """Hand the current file over to the flushers (unlock it) and write to a fresh one
        (none at exit: the next write, if any, opens it)."""
        with self._lock:
            if self._pid != os.getpid() or (self._written == 0 and reopen):
                return
            old = self._fd
            if reopen:
                self._open()
            else:
                self._pid, self._fd, self._path = 0, -1, None
            os.close(old)  # releases its lock: it is now a file any flusher may move

    # ------------------------------------------------------------------ moving

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        table = ReadEvent.__table__
        dialect = self.engine.dialect.name
        maker = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = maker(table).on_conflict_do_nothing(index_elements=["spool_key"])
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)

    def _move(self, path: Path) -> int:
        """Move one unlocked file's complete lines into the table, then delete it. 0 when
        someone else holds it (its writer, or another flusher) or it is already gone."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0
            if os.fstat(fd).st_nlink == 0:  # moved and deleted by another flusher meanwhile
                return 0
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read()
            lines = data.split(b"\n")
            if lines[-1]:
                log.error("read spool %s: dropped an unfinished last line", path.name)
            rows = []
            for line in lines[:-1]:
                try:
                    rows.append(_decode(line))
                except (ValueError, KeyError):
                    log.error("read spool %s: unreadable line %r", path.name, line[:200])
            if rows:
                self._insert(rows)
            path.unlink()
            return len(rows)
        finally:
            os.close(fd)

    def flush(self, *, final: bool = False) -> int:
        """Rotate this process's file and move every movable file; the number of rows moved.
        A database error leaves the files where they are for the next attempt."""
        self._rotate(reopen=not final)
        moved = 0
        for path in sorted(self.directory.glob(f"{PREFIX}*{SUFFIX}")):
            if path == self._path:
                continue
            moved += self._move(path)
        return moved

    # ------------------------------------------------------------------ the flusher

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - keep the files, retry on the next tick
                log.exception("read spool: could not move reads into the database; will retry")

    def start(self) -> None:
        """The flusher thread of this process (a daemon: at exit the file stays behind and
        the next flusher of any process, or the next start, moves it)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="read-spool", daemon=True)
            self._thread.start()

    def _at_exit(self) -> None:
        """A clean exit (a gunicorn worker recycled after max_requests) moves what it spooled;
        if that fails the file stays for the next flusher."""
        self.stop()
        try:
            self.flush(final=True)
        except Exception:  # noqa: BLE001 - nothing is lost: the file stays
            log.warning("read spool: could not move reads at exit; they stay in %s", self.directory)

    def stop(self) -> None:
        """Stop the flusher (what is spooled stays for the next flush)."""
        atexit.unregister(self._at_exit)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
