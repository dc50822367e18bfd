"""Checking a key without generating anything: which image models it can use, and whether the
chosen one (or "automatic") works at the chosen size. Free: only the model list is asked for.
Used by the settings dialog's Test (async) and ``productsnap key status --check``."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from app.services.errors import AccountProblemError, AccountProblemKind, JobError
from app.services.gemini_http import (
    check_key_shape,
    models_page_params,
    read_models_page,
    unreachable,
    validate_api_url,
)
from app.services.model_catalog import (
    MAX_PAGES,
    ModelChoice,
    ServedModel,
    SizeNotOfferedError,
    choose_model,
    parse_models_page,
)


@dataclass(frozen=True)
class KeyCheck:
    ok: bool
    message: str  # one plain sentence for the user
    kind: AccountProblemKind | None = None
    models: list[ServedModel] = field(default_factory=list)  # the image models it can use
    choice: ModelChoice | None = None


def interpret(models: list[ServedModel], model_setting: str, size: str) -> KeyCheck:
    try:
        choice = choose_model(model_setting, size, models)
    except AccountProblemError as problem:
        return KeyCheck(False, problem.message, problem.kind, models)
    except SizeNotOfferedError as error:
        return KeyCheck(False, str(error), AccountProblemKind.BAD_SETTING, models)
    how = " (chosen automatically)" if choice.automatic else ""
    return KeyCheck(True, f"The key works: {choice.model}{how} makes {size} images.",
                    None, models, choice)


def failed(problem: Exception) -> KeyCheck:
    if isinstance(problem, AccountProblemError):
        return KeyCheck(False, problem.message, problem.kind)
    if isinstance(problem, JobError):
        return KeyCheck(False, f"The image service could not check the key right now; try "
                        f"again later ({problem.message})")
    return KeyCheck(False, "Could not reach the image service; check the internet connection "
                    f"and try again ({type(problem).__name__}).")


async def check_key_async(api_url: str, model_setting: str, api_key: str, *,
                          size: str = "1K", transport: httpx.AsyncBaseTransport | None = None,
                          timeout: float = 20.0) -> KeyCheck:
    """List the key's image models and check the model setting against them."""
    base = validate_api_url(api_url)
    try:
        key = check_key_shape(api_key)
    except AccountProblemError as problem:
        return failed(problem)
    found: list[ServedModel] = []
    async with httpx.AsyncClient(transport=transport, timeout=timeout, verify=True,
                                 headers={"x-goog-api-key": key}) as client:
        token: str | None = None
        try:
            for _ in range(MAX_PAGES):
                try:
                    response = await client.get(f"{base}/models",
                                                params=models_page_params(token))
                except httpx.HTTPError as error:
                    raise unreachable(error) from None
                page, token = parse_models_page(read_models_page(response))
                found.extend(page)
                if token is None:
                    break
        except Exception as problem:  # every failure is a sentence in the dialog
            return failed(problem)
    return interpret(found, model_setting, size)
