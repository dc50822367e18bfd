"""The ``productsnap`` command line.

    productsnap [PHOTO ...]                  open the desktop app; photos given are queued
    productsnap generate PATH... [--mode ID] [--size S] [--out DIR] [--parallel N] [--rpm N]
                             [--json]
    productsnap resume [--json]              finish the jobs an earlier run left unfinished
    productsnap retry [JOB_ID... | --failed] [--json]   queue failed jobs again and run them
    productsnap check FILE... [--preset ID] [--json]     judge photos against a marketplace
    productsnap export [JOB_ID... | --all | --last] --preset ID [--fix] [--out DIR] [--json]
    productsnap jobs [--json]                list every job in the store with its status
    productsnap modes                        list the style ids with their names
    productsnap key set | clear | status     the API key in the OS keyring
    productsnap self-test                    offline end-to-end check in mock mode
    productsnap --version
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app import __version__
from app.core.config import (
    Config,
    ConfigError,
    Mode,
    describe,
    load_config,
    parse_backdrop_colour,
)
from app.core.logging_setup import redact, setup_logging

EXIT_USAGE = 2
COMMANDS = ("generate", "resume", "retry", "jobs", "check", "export", "presets", "modes",
            "key", "self-test")
# app.images.intake.IMAGE_EXTENSIONS, copied so that telling a photo from a mistyped command does
# not load Pillow (a test keeps the two equal).
PHOTO_EXTENSIONS = frozenset({
    ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".avif", ".tif", ".tiff", ".bmp",
    ".gif",
})
NO_DISPLAY = ("productsnap: there is no display to open the window on. To work without a window "
              "use `productsnap generate PHOTO...`; see `productsnap --help`.")

if TYPE_CHECKING:
    from app.core.engine import Engine

log = logging.getLogger("app.cli")


KEY_USAGE = ("`productsnap key` takes one of set, clear or status (and --check with status). "
             "`key set` reads the key from standard input, never from the command line: run "
             "`productsnap key set` and paste the key, or `productsnap key set < keyfile`.")
# A word that could be an API key (or part of one): never repeated in an error message, where
# it would sit in the terminal's scroll-back beside the shell history.
_KEY_LIKE = re.compile(r"[A-Za-z0-9_\-]{16,}")


def hide_key_like(message: str, words: Sequence[str]) -> str:
    """``message`` without any of ``words`` (or the part after an ``=``) that could be a key."""
    for word in sorted(words, key=len, reverse=True):
        for piece in (word, *word.split("=")[1:]):
            if _KEY_LIKE.fullmatch(piece):
                message = message.replace(piece, "[not shown]")
    return redact(message)


class _Parser(argparse.ArgumentParser):
    """Usage errors are exit code 2, said plainly, and never repeat a word that could be a key.
    ``fixed_error``: say this instead of argparse's message, whatever was wrong (``key``)."""

    def __init__(self, *args: Any, fixed_error: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_error = fixed_error
        self.words: list[str] = []

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        self.words = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        said = self.fixed_error or hide_key_like(message, self.words)
        self.exit(EXIT_USAGE, f"productsnap: {said}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="productsnap",
                     description="Marketplace-ready product photos from phone snapshots.")
    parser.add_argument("--version", action="version", version=f"ProductSnap {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show the log on stderr as well as in the log file")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    gen = sub.add_parser("generate", help="make product shots from photos or folders")
    gen.add_argument("paths", nargs="+", metavar="PATH")
    gen.add_argument("--mode", dest="style", metavar="ID",
                     help="style id (see `productsnap modes`); default studio_white")
    gen.add_argument("--out", metavar="DIR", help="folder for the results")
    gen.add_argument("--colour", "--color", dest="colour", metavar="#RRGGBB",
                     help="backdrop of the cutout_colour style (default #f2efe9)")
    gen.add_argument("--size", metavar="S", help="live image size: 512, 1K, 2K or 4K, as the "
                     "model offers (default 1K; `productsnap key status --check` lists them)")
    gen.add_argument("--parallel", type=int, metavar="N", help="at most N requests in flight")
    gen.add_argument("--rpm", type=int, metavar="N",
                     help="at most N requests to the API in any 60-second window")
    gen.add_argument("--json", action="store_true", help="one JSON object per job on stdout")
    gen.add_argument("--max-cost", type=float, metavar="USD",
                     help="live mode: stop before sending anything when the estimate is higher")

    resume = sub.add_parser("resume", help="finish the jobs an earlier run left unfinished")
    resume.add_argument("--json", action="store_true")
    resume.add_argument("--max-cost", type=float, metavar="USD",
                        help="live mode: stop before sending when the estimate is higher")

    retry = sub.add_parser("retry", help="queue failed (or cancelled) jobs again and run them")
    retry.add_argument("job_ids", nargs="*", metavar="JOB_ID",
                       help="the jobs to try again (see `productsnap jobs`)")
    retry.add_argument("--failed", action="store_true", help="every failed job")
    retry.add_argument("--json", action="store_true")
    retry.add_argument("--max-cost", type=float, metavar="USD",
                       help="live mode: stop before sending when the estimate is higher")

    jobs = sub.add_parser("jobs", help="list every job with its status")
    jobs.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="judge image files against a marketplace's rules")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--preset", default="amazon", metavar="ID",
                       help="marketplace preset (default amazon; see `productsnap presets`)")
    check.add_argument("--json", action="store_true", help="one JSON object per file")

    export = sub.add_parser("export", help="write finished results as a marketplace wants them")
    export.add_argument("job_ids", nargs="*", metavar="JOB_ID")
    which = export.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every finished job")
    which.add_argument("--last", action="store_true", help="the jobs of the last batch")
    export.add_argument("--preset", required=True, metavar="ID", help="marketplace preset")
    export.add_argument("--fix", action="store_true",
                        help="repair what can be repaired locally (white, centring, size)")
    export.add_argument("--out", metavar="DIR", help="folder for the exported files")
    export.add_argument("--json", action="store_true", help="one JSON object per file")

    sub.add_parser("presets", help="list the marketplace presets with their rules")
    sub.add_parser("modes", help="list the style ids with their names")

    key = sub.add_parser("key", help="the API key in the OS keyring", fixed_error=KEY_USAGE)
    key.add_argument("action", choices=("set", "clear", "status"))
    key.add_argument("--check", action="store_true",
                     help="with status: ask the API whether key and model work (no cost)")

    sub.add_parser("self-test", help="offline end-to-end check in mock mode")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, where a reader that left can still be caught
        return code
    except BrokenPipeError:  # `productsnap jobs | head`: the reader left, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return _open_app([])
    if argv[0] not in COMMANDS and not argv[0].startswith("-"):
        return _open_photos(argv)
    if argv[0] in ("-v", "--verbose") and len(argv) > 1 and argv[1] not in COMMANDS:
        return _open_photos(argv[1:]) if not argv[1].startswith("-") else _open_app(argv[1:])
    args = _parse(argv)
    if args.command is None:
        return _open_app([])
    if args.command == "self-test":
        from app.cli.self_test import run_self_test

        return run_self_test()
    if args.command in ("check", "presets"):  # local files only: no history, no settings
        from app.cli.check_command import run_check, run_presets

        return run_check(args) if args.command == "check" else run_presets()
    if args.command == "modes":
        from app.services.styles import all_styles

        for style in all_styles():
            note = " (keeps your product exactly · free · offline)" if style.is_local else ""
            print(f"{style.id:<18} {style.name}{note} - {style.description}")
        return 0

    try:
        config = load_config()
        if args.command == "generate":
            if args.colour is not None:
                parse_backdrop_colour(args.colour, "--colour")  # said with the flag's own name
            config = config.with_overrides(output_dir=args.out, parallel=args.parallel,
                                           rpm=args.rpm, image_size=args.size,
                                           backdrop_colour=args.colour)
        config.paths.ensure()  # a data folder that is a file or cannot be made: said plainly
    except ConfigError as error:
        print(f"productsnap: configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(config.paths.logs, console_level=logging.INFO if args.verbose else
                  logging.WARNING)
    log.info("productsnap %s: %s", args.command, describe(config))

    if args.command == "key":
        from app.cli.key_command import run_key_command

        return run_key_command(args.action, check=args.check, config=config,
                               stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr)
    from app.core.store import StoreError

    try:
        if args.command == "jobs":
            return _list_jobs(config, args.json)
        if args.command == "export":
            from app.cli.export_command import run_export

            return run_export(config, args)
        return _run(config, args)
    except StoreError as error:  # made by a newer version, or cannot be opened: nothing ran
        print(f"productsnap: {error.message}", file=sys.stderr)
        return EXIT_USAGE


def _parse(argv: list[str]) -> argparse.Namespace:
    """The arguments; words left over are a usage error (for ``key``, one that repeats
    nothing: a key typed after ``key set`` must not be printed back)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.command == "key":
            parser.print_usage(sys.stderr)
            parser.exit(EXIT_USAGE, f"productsnap: {KEY_USAGE}\n")
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _run(config: Config, args: argparse.Namespace) -> int:
    from app.cli.batch import run_batch
    from app.core.engine import Engine
    from app.services.errors import AccountProblemError, AccountProblemKind
    from app.services.styles import UnknownStyleError, get_style

    style = getattr(args, "style", None) or config.default_style
    try:
        get_style(style)
    except UnknownStyleError as error:
        print(f"productsnap: {error}", file=sys.stderr)
        return EXIT_USAGE
    engine = Engine(config)
    if engine.store_notice is not None:
        print(f"productsnap: {engine.store_notice.message}", file=sys.stderr)
    try:
        local = args.command == "generate" and get_style(style).is_local
        if config.mode is Mode.LIVE and not local:
            # Builds the live client and settles the model (a free call): no key, or a size
            # the model does not make, is a usage error before anything is sent.
            engine.client  # noqa: B018
    except AccountProblemError as error:
        if error.kind in (AccountProblemKind.NO_KEY, AccountProblemKind.BAD_SETTING):
            print(f"productsnap: {error.message}", file=sys.stderr)
            engine.close()
            return EXIT_USAGE
        # Anything else (a retired model, a refused key, no connection) meets the first job
        # again: the queue pauses with the photos queued, and the run ends with exit code 3.
    try:
        if args.max_cost is not None and not _within_budget(engine, args):
            return EXIT_USAGE
        if args.command == "retry":
            from app.cli.batch import requeue_for_retry

            retried = requeue_for_retry(engine, args.job_ids, every_failed=args.failed,
                                        stderr=sys.stderr)
            if not retried:
                return EXIT_USAGE if retried is None else 0
        paths = args.paths if args.command == "generate" else None
        return run_batch(engine, paths=paths, style=style, as_json=args.json)
    finally:
        engine.close()


def _within_budget(engine: Engine, args: argparse.Namespace) -> bool:
    """``--max-cost``: the run's estimate, checked before anything is queued or sent."""
    from app.core.photos import collect_photos
    from app.services.styles import is_local_style

    if args.command == "generate":
        if getattr(args, "style", None) and is_local_style(args.style):
            return True  # a cut-out costs nothing
        photos, _ = collect_photos(args.paths, exclude=(engine.config.paths.data,
                                                        engine.config.output_dir))
        count = len(photos)
    else:
        count = len(engine.queued_to_send())
        if args.command == "retry":
            count += len(args.job_ids) if args.job_ids else len(engine.retryable_failed())
    estimate = engine.estimate_cost(count)
    if estimate is not None and estimate <= args.max_cost:
        return True
    said = f"about ${estimate:.2f}" if estimate is not None else "an amount the app cannot tell"
    print(f"productsnap: {count} photo(s) would cost {said}, more than --max-cost "
          f"${args.max_cost:.2f}. Nothing was sent.", file=sys.stderr)
    return False


def _list_jobs(config: Config, as_json: bool) -> int:
    from app.cli.batch import human_line
    from app.core.store import open_job_store

    store, notice = open_job_store(config.paths.ensure().database)
    if notice is not None:
        print(f"productsnap: {notice.message}", file=sys.stderr)
    for job in store.all():
        if as_json:
            print(json.dumps(job.as_record()))
        else:
            print(f"{job.id}  {job.style:<18} {human_line(job)}")
    store.close()
    return 0


def _open_photos(args: list[str]) -> int:
    """``productsnap PHOTO...`` opens the app with the photos; a mistyped command is a usage
    error, said before anything of Qt is loaded."""
    first = args[0]
    if Path(first).exists() or Path(first).suffix.lower() in PHOTO_EXTENSIONS:
        return _open_app(args)
    build_parser().print_usage(sys.stderr)
    close = difflib.get_close_matches(first, COMMANDS, n=1)
    said = hide_key_like(repr(first), [first])  # a key pasted in the wrong place stays unsaid
    if close:
        print(f"productsnap: {said} is not a command. Did you mean '{close[0]}'?",
              file=sys.stderr)
    else:
        print(f"productsnap: {said} is not a command or a photo. Commands: "
              f"{', '.join(COMMANDS)}.", file=sys.stderr)
    return EXIT_USAGE


def _no_display() -> bool:
    """Linux with neither X11 nor Wayland to show a window on (and no QT_QPA_PLATFORM chosen):
    Qt would abort the whole process there, so the command says so plainly instead."""
    return (sys.platform.startswith("linux")
            and not any(os.environ.get(name)
                        for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")))


def _open_app(photos: list[str]) -> int:
    if _no_display():
        print(NO_DISPLAY, file=sys.stderr)
        return EXIT_USAGE
    try:
        from app.gui.application import run_app
    except ImportError as error:  # a broken install, said plainly
        print(f"productsnap: the desktop app cannot start: {error}", file=sys.stderr)
        return 1
    return run_app(photos)


def main_gui() -> int:
    return main()
