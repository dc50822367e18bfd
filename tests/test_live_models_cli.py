"""Live mode when Google's model list moves, end to end through ``productsnap generate`` against
the stand-in: "automatic" picks a served model, a model the user named that is gone pauses
before anything is sent, sizes are checked before sending, a retirement is announced once, a
stale cached list is refreshed when a model answers 404, and costs follow the tokens billed."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.services.model_catalog import ModelCatalog, ServedModel
from tests.gemini_standin import API_KEY, PROMPT_TOKENS, THOUGHT_TOKENS, GeminiStandIn
from tests.processes import child_env


def _env(data_dir: Path, out_dir: Path, server: GeminiStandIn, **extra: str) -> dict[str, str]:
    return child_env(IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
                     NANO_BANANA_API_URL=server.url, PRODUCTSNAP_DATA_DIR=str(data_dir),
                     PRODUCTSNAP_OUTPUT_DIR=str(out_dir), **extra)


def _photos(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        Image.new("RGB", (900, 700), (n * 50, 120, 60)).save(folder / f"p{n}.jpg")
    return folder


def generate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "generate", *args, "--json"], env=env,
                          capture_output=True, text=True, timeout=120)


def lines(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def posts(server: GeminiStandIn) -> list[str]:
    return [r.model for r in server.requests if r.method == "POST"]


def test_automatic_completes_on_a_listed_model_when_the_seed_model_is_gone(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn(models=("gemini-3-pro-image", "gemini-3.1-flash-image")) as server:
        result = generate(_env(data_dir, out_dir, server), str(_photos(tmp_path / "in", 2)))
    assert result.returncode == 0, result.stderr
    assert "2 photo(s) on gemini-3.1-flash-image at 1K will cost about $0.13" in result.stderr
    assert posts(server) == ["gemini-3.1-flash-image"] * 2
    listed = [r for r in server.requests if r.path == "/v1beta/models"]
    assert len(listed) >= 1 and all(r.method == "GET" for r in listed)
    for line in lines(result):
        assert line["status"] == "completed" and line["model"] == "gemini-3.1-flash-image"
        # 1120 image tokens at $60/M, 200 thinking tokens at the text rate, the photo as input.
        assert line["cost_usd"] == pytest.approx(
            (1120 * 60 + THOUGHT_TOKENS * 1.5 + PROMPT_TOKENS * 0.25) / 1e6, abs=1e-6)


def test_a_model_the_user_named_that_is_gone_pauses_before_any_photo_is_sent(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn(models=("gemini-3.1-flash-image", "gemini-nano-banana-2.1")) as server:
        env = _env(data_dir, out_dir, server, NANO_BANANA_MODEL="gemini-2.5-flash-image")
        result = generate(env, str(_photos(tmp_path / "in", 3)))
    assert result.returncode == 3, result.stderr
    assert posts(server) == []  # nothing paid, not even a failed request
    assert "gemini-2.5-flash-image" in result.stderr
    assert "gemini-3.1-flash-image" in result.stderr and "gemini-nano-banana-2.1" in result.stderr
    assert [line["status"] for line in lines(result)] == ["queued"] * 3
    assert "productsnap resume" in result.stderr


def test_a_size_the_model_does_not_make_is_a_usage_error_before_sending(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn() as server:
        env = _env(data_dir, out_dir, server, NANO_BANANA_MODEL="gemini-2.5-flash-image")
        result = generate(env, str(_photos(tmp_path / "in", 1)), "--size", "2K")
    assert result.returncode == 2, result.stderr
    assert "gemini-2.5-flash-image does not make 2K images; it offers 1K" in result.stderr
    assert posts(server) == [] and lines(result) == []


def test_2k_on_a_gemini_3_model_is_asked_for_saved_at_2k_and_billed_at_the_2k_rate(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn(models=("gemini-3.1-flash-image",)) as server:
        result = generate(_env(data_dir, out_dir, server), str(_photos(tmp_path / "in", 1)),
                          "--size", "2K")
        sent = [r.json for r in server.requests if r.method == "POST"]
    assert result.returncode == 0, result.stderr
    assert sent[0]["generationConfig"]["imageConfig"]["imageSize"] == "2K"
    (line,) = lines(result)
    with Image.open(str(line["output"])) as saved:
        assert max(saved.size) == 2048
    assert line["cost_usd"] == pytest.approx(
        (1680 * 60 + THOUGHT_TOKENS * 1.5 + PROMPT_TOKENS * 0.25) / 1e6, abs=1e-6)
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        assert db.execute("SELECT image_size, thoughts_tokens FROM jobs").fetchone() == (
            "2K", THOUGHT_TOKENS)


def test_a_retirement_notice_is_said_once_with_its_date(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    status = {"modelStage": "DEPRECATED", "retirementTime": "2027-01-15T00:00:00Z",
              "message": "This model will be shut down."}
    with GeminiStandIn(model_status={"gemini-2.5-flash-image": status}) as server:
        result = generate(_env(data_dir, out_dir, server), str(_photos(tmp_path / "in", 3)))
    assert result.returncode == 0, result.stderr
    warning = "gemini-2.5-flash-image will be retired on 15 January 2027"
    assert result.stderr.count(warning) == 1, result.stderr


def test_a_stale_cached_list_is_refreshed_when_its_model_answers_404(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn(models=("gemini-3.1-flash-image",)) as server:
        # Yesterday's list still had the seed's model; Google has retired it since.
        ModelCatalog(data_dir / "models.json").served(
            server.url, lambda: [ServedModel("gemini-2.5-flash-image", "Nano Banana")])
        result = generate(_env(data_dir, out_dir, server), str(_photos(tmp_path / "in", 2)))
    assert result.returncode == 0, result.stderr
    assert [line["status"] for line in lines(result)] == ["completed"] * 2
    retired = [r for r in server.requests
               if r.method == "POST" and r.model == "gemini-2.5-flash-image"]
    assert retired and {r.outcome for r in retired} == {"404"}  # not served, not billed
    assert posts(server).count("gemini-3.1-flash-image") == 2
    assert [line["model"] for line in lines(result)] == ["gemini-3.1-flash-image"] * 2


def test_paid_attempts_without_an_image_are_recorded_and_counted_in_the_month(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    from app.core.store import JobStore
    from app.core.usage import usage_this_month
    from tests import gemini_standin as g

    billed = {"promptTokenCount": PROMPT_TOKENS, "candidatesTokenCount": 12,
              "thoughtsTokenCount": 150,
              "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 12}]}
    declined = g.finished("NO_IMAGE", [{"text": "I can't edit this image."}], usage=billed)
    with GeminiStandIn(models=("gemini-3.1-flash-image",)) as server:
        server.enqueue(declined, declined)  # declined, tried once more, declined again
        result = generate(_env(data_dir, out_dir, server), str(_photos(tmp_path / "in", 1)))
    assert result.returncode == 1, result.stderr
    (line,) = lines(result)
    one_attempt = (PROMPT_TOKENS * 0.25 + (12 + 150) * 1.5) / 1e6
    assert line["status"] == "failed" and line["cost_usd"] == pytest.approx(2 * one_attempt)
    listed = subprocess.run([sys.executable, "-m", "app", "jobs", "--json"],
                            env=_env(data_dir, out_dir, server), capture_output=True,
                            text=True, timeout=60)
    assert json.loads(listed.stdout)["cost_usd"] == pytest.approx(2 * one_attempt)
    store = JobStore(data_dir / "jobs.sqlite3")
    month = usage_this_month(store)
    store.close()
    assert month.cost_usd == pytest.approx(2 * one_attempt)


def test_max_cost_stops_a_run_that_would_cost_more_before_sending_anything(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn() as server:
        env = _env(data_dir, out_dir, server, NANO_BANANA_MODEL="gemini-2.5-flash-image")
        photos = str(_photos(tmp_path / "in", 3))
        refused = generate(env, photos, "--max-cost", "0.10")  # 3 x $0.0387 = $0.12
        assert refused.returncode == 2, refused.stderr
        assert "3 photo(s) would cost about $0.12, more than --max-cost $0.10" in refused.stderr
        assert posts(server) == [] and lines(refused) == []
        allowed = generate(env, photos, "--max-cost", "0.20")
        assert allowed.returncode == 0, allowed.stderr
        assert len(posts(server)) == 3


def test_the_request_deadline_is_a_setting(tmp_path: Path, data_dir: Path,
                                           out_dir: Path) -> None:
    from tests import gemini_standin as g

    with GeminiStandIn() as server:
        server.enqueue(g.Answer(body=g.success().body, trickle=0.5))
        env = _env(data_dir, out_dir, server, NANO_BANANA_MODEL="gemini-2.5-flash-image",
                   PRODUCTSNAP_REQUEST_DEADLINE_S="10")
        result = generate(env, str(_photos(tmp_path / "in", 1)), "--parallel", "1")
    assert result.returncode == 1, result.stderr
    (line,) = lines(result)
    assert line["status"] == "failed" and "over 10 seconds" in str(line["error"])


def test_the_monthly_budget_stops_sending_and_requests_in_flight_cannot_pass_it(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn(latency=1.0) as server:  # answers take a second: four go out at once
        env = _env(data_dir, out_dir, server, NANO_BANANA_MODEL="gemini-2.5-flash-image",
                   PRODUCTSNAP_MONTHLY_BUDGET="0.10")
        result = generate(env, str(_photos(tmp_path / "in", 6)), "--parallel", "4")
        assert result.returncode == 3, result.stderr
        assert "This month's budget of $0.10 would be passed" in result.stderr
        assert "productsnap resume" in result.stderr
        statuses = sorted(str(line["status"]) for line in lines(result))
        assert statuses == ["completed", "completed"] + ["queued"] * 4
        spent = sum(float(str(line["cost_usd"])) for line in lines(result))
        assert spent <= 0.10 and len(posts(server)) == 2  # never past it, even in parallel

        again = subprocess.run([sys.executable, "-m", "app", "resume", "--json"], env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 3 and len(posts(server)) == 2  # still over: nothing sent
        env["PRODUCTSNAP_MONTHLY_BUDGET"] = "1.00"
        raised = subprocess.run([sys.executable, "-m", "app", "resume", "--json"], env=env,
                                capture_output=True, text=True, timeout=120)
        assert raised.returncode == 0, raised.stderr
        assert [line["status"] for line in lines(raised)] == ["completed"] * 4
