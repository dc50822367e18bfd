"""Each real answer of shared/reference/gemini-rest.md through the real command line, against the
local Gemini stand-in: what concerns the account pauses (exit 3, every photo still queued, one
request paid for), what is transient is tried again, and what concerns one photo fails it alone.

Only generateContent POSTs are counted: the client may also ask for the model list (a free GET).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests import gemini_standin as g
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.processes import child_env

PHOTOS = 3


@pytest.fixture
def server() -> GeminiStandIn:
    with GeminiStandIn() as running:
        yield running


@pytest.fixture
def live_env(mock_env: dict[str, str], server: GeminiStandIn) -> dict[str, str]:
    return child_env(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
                     NANO_BANANA_API_URL=server.url)


def _photos(folder: Path, count: int = PHOTOS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        Image.new("RGB", (640, 480), (n * 60, 90, 30)).save(folder / f"p{n}.jpg")
    return folder


def generate(folder: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str],
                                                          list[dict[str, object]]]:
    result = subprocess.run([sys.executable, "-m", "app", "generate", str(folder),
                             "--parallel", "1", "--json"], env=env, capture_output=True,
                            text=True, timeout=180)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result, lines


def posts(server: GeminiStandIn) -> list[g.Recorded]:
    return [r for r in server.requests
            if r.method == "POST" and r.path.endswith(":generateContent")]


def photo_of(request: g.Recorded) -> str:
    return request.json["contents"][0]["parts"][0]["inlineData"]["data"]


def jobs(data_dir: Path) -> list[tuple[str, str, str | None, str | None]]:
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        return db.execute("SELECT source_path, status, error, error_detail FROM jobs "
                          "ORDER BY seq").fetchall()


# Account problems: stop at once, keep the queue -------------------------------------------

@pytest.mark.parametrize(("answer", "words"), [
    pytest.param(g.free_tier(with_limit_zero=True),
                 ["billing", "no free tier", "not a daily limit"], id="free-tier-limit-0"),
    pytest.param(g.free_tier(with_limit_zero=False),
                 ["billing", "no free tier", "not a daily limit"], id="free-tier"),
    pytest.param(g.free_tier_country(), ["billing"], id="free-tier-not-in-country"),
    pytest.param(g.location_unsupported(), ["not offered where you are", "billing does not"],
                 id="user-location"),
    pytest.param(g.country_unsupported(), ["not offered where you are", "billing does not"],
                 id="country"),
    pytest.param(g.unknown_field("imageSize"), ["setting", "imageSize", "not the photo"],
                 id="unknown-field"),
    pytest.param(g.bad_size("512", "gemini-nano-banana-2.1"),
                 ["setting", "image size", "not the photo"], id="bad-size"),
    pytest.param(g.pup_limited(), ["Prohibited Use Policy"], id="pup-limited"),
])
def test_an_account_problem_pauses_with_every_photo_queued(
        live_env, server, tmp_path, data_dir, answer, words):
    server.enqueue(answer)
    result, lines = generate(_photos(tmp_path / "in"), live_env)
    assert result.returncode == 3, result.stderr
    assert [line["status"] for line in lines] == ["queued"] * PHOTOS
    assert len(posts(server)) == 1  # stopped sending at once: one request, not one a photo
    said = " ".join(result.stderr.split())
    for word in words:
        assert word.lower() in said.lower(), said
    assert "productsnap resume" in said
    assert [status for _, status, _, _ in jobs(data_dir)] == ["queued"] * PHOTOS
    assert API_KEY not in result.stdout + result.stderr


# Transient and odd-but-fine answers --------------------------------------------------------

def test_a_malformed_response_is_tried_once_more_and_completes(
        live_env, server, tmp_path, out_dir):
    server.enqueue(g.malformed())
    result, lines = generate(_photos(tmp_path / "in"), live_env)
    assert result.returncode == 0, result.stderr
    assert [line["status"] for line in lines] == ["completed"] * PHOTOS
    sent = posts(server)
    assert len(sent) == PHOTOS + 1
    assert photo_of(sent[0]) == photo_of(sent[1])  # the same photo, twice
    assert len({photo_of(r) for r in sent}) == PHOTOS
    assert len(list(out_dir.iterdir())) == PHOTOS


def test_an_image_without_a_finish_reason_is_kept(live_env, server, tmp_path, out_dir):
    server.enqueue(g.image_without_finish_reason())
    result, lines = generate(_photos(tmp_path / "in"), live_env)
    assert result.returncode == 0, result.stderr
    assert [line["status"] for line in lines] == ["completed"] * PHOTOS
    assert len(posts(server)) == PHOTOS  # paid once each, never asked again
    assert len(list(out_dir.iterdir())) == PHOTOS


def test_an_unknown_finish_reason_fails_that_photo_alone_with_its_name(
        live_env, server, tmp_path, data_dir):
    server.enqueue(g.finished("SOMETHING_NEW", [
        {"inlineData": {"mimeType": "image/png",
                        "data": g.success().body["candidates"][0]["content"]["parts"][-1]
                        ["inlineData"]["data"]}}]))
    result, lines = generate(_photos(tmp_path / "in"), live_env)
    assert result.returncode == 1, result.stderr
    assert sorted(line["status"] for line in lines) == ["completed"] * (PHOTOS - 1) + ["failed"]
    assert len(posts(server)) == PHOTOS  # not retried
    [failed] = [row for row in jobs(data_dir) if row[1] == "failed"]
    _, _, error, detail = failed
    assert "SOMETHING_NEW" in error
    assert detail is not None and "finishReason SOMETHING_NEW" in detail


def test_help_only_429_again_and_again_pauses_after_the_retries(
        live_env, server, tmp_path, data_dir):
    # Five tries in all (the client's MAX_ATTEMPTS), every one a 429 with nothing but a link.
    attempts = 5
    server.enqueue(*[g.help_only_429() for _ in range(attempts)])
    result, lines = generate(_photos(tmp_path / "in", 2), live_env)
    assert result.returncode == 3, result.stderr
    assert [line["status"] for line in lines] == ["queued"] * 2
    assert 2 <= len(posts(server)) <= attempts  # retried, then stopped: the 2nd photo waits
    assert len({photo_of(r) for r in posts(server)}) == 1
    assert "quota" in result.stderr.lower()
    assert [status for _, status, _, _ in jobs(data_dir)] == ["queued"] * 2
