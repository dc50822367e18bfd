"""The key stays secret, all of it: no run of 10 characters of the key reaches what the command
line prints, the job history, the log or any other file, however a server quotes it (whole, in
part, split, near the points where long texts are cut), and `productsnap key` never prints back
a key typed on the command line.

Everything runs for real: the `productsnap` command line as a subprocess, in live mode, against
the local Gemini stand-in, with a realistic 39-character key.
"""

from __future__ import annotations

import json
import os
import sqlite3
import string
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.core.logging_setup import REDACTED, WINDOW, redact, register_secret
from tests import gemini_standin as g
from tests.gemini_standin import Answer, GeminiStandIn
from tests.processes import child_env

REPO = Path(__file__).resolve().parent.parent
# A key shaped like Google's ("AIza" and 35 more), made at run time so that no key-shaped text
# sits in the repository (its secret scan would rightly complain).
_ALPHABET = string.ascii_letters + string.digits + "-_"
KEY = "AIza" + "".join(_ALPHABET[(7 * n + 11) % len(_ALPHABET)] for n in range(35))
CUTS = (70, 200, 300, 500, 1000)  # where the app shortens server text, give or take


def pieces(key: str = KEY) -> list[str]:
    """Every run of WINDOW consecutive characters of the key."""
    return [key[i:i + WINDOW] for i in range(len(key) - WINDOW + 1)]


def leaks(text: str | bytes, key: str = KEY) -> list[str]:
    """The pieces of the key found in ``text`` (bytes are searched as UTF-8)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return [piece for piece in pieces(key) if piece.encode() in data]


def quoting(length: int, at: list[int], key: str = KEY) -> str:
    """About ``length`` characters of an ordinary error text with the key written over it at
    each offset in ``at`` (a later one may cover part of an earlier one: a partial key), split
    in two by a line break near the end, and whole at the very end."""
    filler = "Request contains an invalid argument; see the documentation for details. "
    text = (filler * (length // len(filler) + 1))[:length]
    for offset in at:
        text = text[:offset] + key + text[offset + len(key):]
    return f"{text} split {key[:20]}\n{key[20:]} end {key}"


def around_cuts(shift: int = 0) -> list[int]:
    return [0] + [max(0, cut + delta - shift) for cut in CUTS for delta in (-35, -12, -4)]


def html_page(status: str, shift: int = 30) -> str:
    said = quoting(1100, around_cuts(shift))
    return (f"<html><head><title>{status}</title><style>p {{color: red}}</style></head>"
            f"<body><h1>{status}</h1><p>{said}</p><p>&#65;{KEY[1:]}</p></body></html>")


def _photos(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        Image.new("RGB", (640, 480), (n * 40, 90, 30)).save(folder / f"p{n}.jpg")
    return folder


def _env(mock_env: dict[str, str], server: GeminiStandIn) -> dict[str, str]:
    return child_env(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=KEY,
                     NANO_BANANA_API_URL=server.url)


def run(args: list[str], env: dict[str, str], stdin: str | bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, input=data,
                          capture_output=True, timeout=180)


def assert_nothing_leaked(result: subprocess.CompletedProcess[bytes], *folders: Path) -> int:
    """No piece of the key in stdout, stderr or any file under ``folders``; returns how many
    files were searched."""
    assert leaks(result.stdout) == [], result.stdout.decode(errors="replace")
    assert leaks(result.stderr) == [], result.stderr.decode(errors="replace")
    searched = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                searched += 1
                assert leaks(path.read_bytes()) == [], path
    return searched


@pytest.fixture
def server() -> GeminiStandIn:
    with GeminiStandIn(api_key=KEY) as running:
        yield running


def test_the_test_key_is_realistic_and_its_pieces_are_found() -> None:
    assert len(KEY) == 39 and KEY.startswith("AIza") and len(set(pieces())) == 30
    text = quoting(1100, around_cuts())
    assert len(leaks(text)) == 30  # the helper finds what it looks for


# redact itself ---------------------------------------------------------------------------

def test_redact_masks_every_run_of_ten_characters_of_a_registered_key() -> None:
    key = "k3y-" + KEY[4:]  # not Google-shaped: only the registration can catch it
    register_secret(key)
    text = quoting(1100, around_cuts(), key) + f" {key[:10]} and {key[-12:]} and {key[9:21]}"
    assert len(leaks(text, key)) == 30
    masked = redact(text)
    assert leaks(masked, key) == []
    assert masked.endswith(f" {REDACTED} and {REDACTED} and {REDACTED}")
    assert masked.count(REDACTED) >= 10
    # Nine characters are not a piece of the key, and text around the key stays as it was.
    assert redact(f"x {key[:9]} y") == f"x {key[:9]} y"
    assert redact(f"before {key} after") == f"before {REDACTED} after"
    plain = "Request contains an invalid argument."
    assert redact(plain) == plain


def test_redact_is_quick_on_a_long_text() -> None:
    import time

    key = "q" + KEY[1:]
    register_secret(key)
    text = quoting(4000, around_cuts(), key) * 5  # about 20 KB
    started = time.perf_counter()
    for _ in range(20):
        masked = redact(text)
    assert (time.perf_counter() - started) / 20 < 0.05
    assert leaks(masked, key) == []


# Live runs through the command line --------------------------------------------------------

def test_no_piece_of_the_key_leaks_from_photo_failures_and_answers(
        mock_env: dict[str, str], server: GeminiStandIn, tmp_path: Path,
        data_dir: Path) -> None:
    bad_request = g.error(
        400, "INVALID_ARGUMENT", quoting(1100, around_cuts()),
        {"@type": g.TYPE + "BadRequest", "fieldViolations": [
            {"field": "contents[0].parts[0]", "description": quoting(400, around_cuts())}]})
    answers = [
        bad_request,  # p0 fails: the message and the field violation quote the key
        Answer(400, html_page("400 Bad Request"), {"content-type": "text/html"}),  # p1
        g.output_blocked("IMAGE_SAFETY", quoting(1100, around_cuts())),  # p2 blocked
        g.declined(quoting(600, around_cuts())),  # p3 declined, tried once more, declined
        g.declined(quoting(600, around_cuts())),
        # p4: a proxy's 502 (tried again), then an image whose text and modelStatus quote it
        Answer(502, html_page("502 Bad Gateway"), {"content-type": "text/html"}),
        g.success(text=quoting(1100, around_cuts()), model_status={
            "modelStage": "DEPRECATED", "retirementTime": "2027-01-15T00:00:00Z",
            "message": quoting(700, around_cuts())}),
        # p5: a 200 that is not JSON (tried again), then an image
        Answer(200, html_page("200 OK", shift=0), {"content-type": "text/html"}),
        g.success(),
    ]
    server.enqueue(*answers)
    env = _env(mock_env, server)
    result = run(["generate", str(_photos(tmp_path / "in", 6)), "--parallel", "1", "--json"],
                 env)

    assert result.returncode == 1, result.stderr.decode(errors="replace")
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    status = {Path(str(line["source"])).name: line["status"] for line in lines}
    assert status == {"p0.jpg": "failed", "p1.jpg": "failed", "p2.jpg": "failed",
                      "p3.jpg": "failed", "p4.jpg": "completed", "p5.jpg": "completed"}
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == len(answers)  # every scripted answer was met
    assert all(r.headers["x-goog-api-key"] == KEY for r in posts)

    searched = assert_nothing_leaked(result, tmp_path)
    assert searched >= 4  # the database, the log, the model list, the results at least
    # The server's words did reach the history and the log: redacted, not dropped.
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        failed = db.execute("SELECT error, error_detail FROM jobs WHERE status = 'failed' "
                            "ORDER BY source_path").fetchall()
    assert len(failed) == 4
    assert all(REDACTED in (error or "") + (detail or "") for error, detail in failed)
    assert "could not use this photo: [REDACTED]" in failed[0][0]
    log_text = "".join(p.read_text("utf-8") for p in (data_dir / "logs").glob("*.log*"))
    assert REDACTED in log_text and "Request contains an invalid argument" in log_text


@pytest.mark.parametrize("answer", [
    pytest.param(Answer(403, html_page("403 Forbidden"), {"content-type": "text/html"}),
                 id="403-html"),
    pytest.param(g.error(400, "INVALID_ARGUMENT", "API key not valid. " + quoting(
        600, around_cuts()), {"@type": g.TYPE + "ErrorInfo", "reason": "API_KEY_INVALID",
                              "metadata": {"key": KEY}}), id="400-key-invalid"),
    pytest.param(g.error(429, "RESOURCE_EXHAUSTED", quoting(900, around_cuts()),
                         {"@type": g.TYPE + "QuotaFailure", "violations": [
                             {"quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier "
                              + KEY, "quotaValue": "0"}]}), id="429-free-tier"),
])
def test_no_piece_of_the_key_leaks_when_the_account_is_refused(
        mock_env: dict[str, str], server: GeminiStandIn, tmp_path: Path,
        answer: Answer) -> None:
    server.enqueue(answer)
    result = run(["generate", str(_photos(tmp_path / "in", 2)), "--parallel", "1", "--json"],
                 _env(mock_env, server))
    assert result.returncode == 3, result.stderr.decode(errors="replace")
    assert [json.loads(line)["status"] for line in result.stdout.decode().splitlines()] == [
        "queued", "queued"]
    assert assert_nothing_leaked(result, tmp_path) >= 2


# productsnap key -------------------------------------------------------------------------

def _key_env(mock_env: dict[str, str]) -> dict[str, str]:
    """The command line with an in-memory keyring: a refusal can only be the key's shape."""
    env = child_env(mock_env, PYTHON_KEYRING_BACKEND="tests.fakes.MemoryKeyring",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO),
                                                        os.environ.get("PYTHONPATH")])))
    return env


@pytest.mark.parametrize("args", [
    ["key", "set", KEY],
    ["key", KEY],
    ["key", "set", "--check", KEY],
    ["key", f"--check={KEY}", "status"],
    ["key", "set", f"--key={KEY}"],
    ["-v", "key", "set", KEY],
    ["jobs", KEY],
    ["generate", "--parallel", KEY, "photo.jpg"],
    ["--bogus", KEY],
    [KEY],
    ["-v", KEY],
], ids=lambda args: " ".join(a.replace(KEY, "KEY") for a in args))
def test_a_key_on_the_command_line_is_never_printed_back(
        mock_env: dict[str, str], tmp_path: Path, args: list[str]) -> None:
    result = run(args, _key_env(mock_env), stdin=KEY + "\n")
    assert result.returncode == 2, result.stderr.decode(errors="replace")
    assert_nothing_leaked(result, tmp_path)
    assert b"Traceback" not in result.stderr
    if "key" in args:
        assert b"never from the command line" in result.stderr
    assert b"Saved" not in result.stdout  # nothing was stored from a wrong command


def test_key_set_takes_a_real_key_from_stdin(mock_env: dict[str, str], tmp_path: Path) -> None:
    result = run(["key", "set"], _key_env(mock_env), stdin=f"\ufeff{KEY}\n")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Saved the Gemini API key in the system keyring (fakes MemoryKeyring)" in result.stdout
    assert_nothing_leaked(result, tmp_path)


@pytest.mark.parametrize(("stdin", "said"), [
    ("", b"No key given"),
    ("   \n", b"No key given"),
    (f"{KEY[:20]} {KEY[20:]}\n", b"spaces or line breaks inside"),
    (f"{KEY[:20]}\t{KEY[20:]}\n", b"spaces or line breaks inside"),
    ("k" * 201 + "\n", b"201 characters long"),
    ("x" * 100_000, b"characters long"),
    (f"{KEY[:30]}\u00e9{KEY[30:]}\n", b"characters no API key has"),
    (f"{KEY[:30]}\x07{KEY[30:]}\n", b"characters no API key has"),
    (b"\xff\xfe\x00\x81" + KEY.encode() + b"\n", b"That is not an API key"),
], ids=["empty", "blank", "space", "tab", "201-chars", "100k-no-newline", "non-ascii",
        "control", "binary"])
def test_key_set_refuses_what_cannot_be_a_key(mock_env: dict[str, str], tmp_path: Path,
                                              stdin: str | bytes, said: bytes) -> None:
    result = run(["key", "set"], _key_env(mock_env), stdin=stdin)
    assert result.returncode == 2, result.stderr.decode(errors="replace")
    assert said in result.stderr and b"Saved" not in result.stdout
    assert b"Traceback" not in result.stderr
    assert leaks(result.stdout + result.stderr) == []
