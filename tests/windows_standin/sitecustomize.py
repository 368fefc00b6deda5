"""A stand-in for Windows on Linux CI, loaded by a subprocess through PYTHONPATH (tests/test_portability.py).

What Windows lacks is made to fail here: the POSIX-only modules cannot be imported, `os.sysconf` and
`signal.SIGUSR1` are gone, and /proc and /sys do not exist (open, stat and listing raise
FileNotFoundError). Two cross-platform libraries are the platform layer and are loaded first, as on
Windows they load their own Windows backends: psutil (which reads /proc itself on Linux; it keeps
that access) and filelock (its Linux backend uses fcntl). Everything else, the scanner above all,
meets the poisoned Python.
"""

from __future__ import annotations

import builtins
import io
import os
import signal
import sys
from typing import Any

import filelock  # noqa: F401  # the platform layer, with its backend
import psutil

psutil.Process().memory_info()  # loads whatever psutil needs on first use
psutil.virtual_memory()

POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource")
for _name in POSIX_ONLY:
    sys.modules[_name] = None  # type: ignore[assignment]  # `import fcntl` now raises ImportError
for _module, _attribute in ((os, "sysconf"), (signal, "SIGUSR1")):
    if hasattr(_module, _attribute):  # on real Windows they are absent already
        delattr(_module, _attribute)

_HIDDEN = ("/proc", "/sys")
_PLATFORM_LAYER = ("psutil",)


def _hidden(path: Any) -> bool:
    if isinstance(path, int):
        return False
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        return False
    text = os.path.normpath(text)
    if not any(text == root or text.startswith(root + "/") for root in _HIDDEN):
        return False
    frame = sys._getframe(2)
    while frame is not None:  # psutil, the platform layer, may read them (it does on Linux)
        if str(frame.f_globals.get("__name__", "")).split(".")[0] in _PLATFORM_LAYER:
            return False
        frame = frame.f_back  # type: ignore[assignment]
    return True


def _guard(real: Any) -> Any:
    def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
        if _hidden(path):
            raise FileNotFoundError(2, "No such file or directory (Windows stand-in)", os.fsdecode(path))
        return real(path, *args, **kwargs)

    return guarded


builtins.open = io.open = _guard(io.open)
for _fn in ("open", "stat", "lstat", "listdir", "scandir", "access"):
    setattr(os, _fn, _guard(getattr(os, _fn)))
