"""The frozen app's entry point: the same as ``python -m app`` / ``productsnap``.

Two things only a frozen, windowed app needs, before the app itself starts:

- macOS Finder may still pass a ``-psn_...`` process serial number on old systems; it is not a
  command-line argument of ours.
- Windows starts a windowed (GUI subsystem) program without a console, so ``print`` goes nowhere.
  When the app is run from a console with a command (``ProductSnap.exe self-test``), attach to
  that console so the output is seen. Output redirected to a file or a pipe works regardless;
  ``PRODUCTSNAP_CONSOLE_LOG=<file>`` sends it to that file instead (build.py's self-test uses it
  as a fallback).
"""

from __future__ import annotations

import sys


def _drop_process_serial_number() -> None:
    sys.argv[1:] = [arg for arg in sys.argv[1:] if not arg.startswith("-psn_")]


def _attach_parent_console() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return  # stdout/stderr already go somewhere: a terminal, a file, a pipe
    import os

    log = os.environ.get("PRODUCTSNAP_CONSOLE_LOG")
    if log:
        stream = open(log, "a", encoding="utf-8", errors="replace")  # noqa: SIM115
        sys.stdout = sys.stdout or stream
        sys.stderr = sys.stderr or stream
        return
    if sys.platform != "win32" or len(sys.argv) < 2:
        return
    try:
        import ctypes

        attach_parent_process = -1
        if not ctypes.windll.kernel32.AttachConsole(attach_parent_process):
            return  # started from Explorer: no console to attach to
        if sys.stdout is None:
            sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        if sys.stderr is None:
            sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    except Exception:  # never let console plumbing stop the app from starting
        pass


def main() -> int:
    _drop_process_serial_number()
    _attach_parent_console()
    from app.cli import main as app_main

    return app_main()


if __name__ == "__main__":
    sys.exit(main())
