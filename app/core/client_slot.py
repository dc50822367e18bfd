"""The engine's client and the settings it was built for.

A client is built on first use (live mode without a key still shows the history), and building
one in live mode asks the service for its models: a network call. So the lock that guards the
settings is never held across a build: a settings change from the window must not wait for the
network, and a job that saw a stale model (404) must not write back settings it read earlier.
Every change starts a new round; a client built in an older round is retired, not kept.
"""

from __future__ import annotations

import threading
from typing import Any

from app.core.config import Config, ConfigError, Mode
from app.core.model_notices import ModelNotices
from app.services.errors import AccountProblemError, AccountProblemKind, StoppedError
from app.services.model_catalog import ModelCatalog
from app.services.nano_banana_client import NanoBananaClient, create_client
from app.services.rate_limit import SlidingWindowLimiter
from app.services.result_spool import ResultSpool


class ClientSlot:
    def __init__(self, config: Config, *, client: NanoBananaClient | None = None,
                 options: dict[str, Any] | None = None, catalog: ModelCatalog,
                 spool: ResultSpool, notices: ModelNotices) -> None:
        self._config = config
        self._client = client
        self._options = dict(options or {})
        self._catalog = catalog
        self._spool = spool
        self._notices = notices
        self._lock = threading.Lock()  # guards the fields below; never held over the network
        self._building = threading.Lock()  # one build at a time: the models are asked once
        self._round = 0
        self._retired: list[NanoBananaClient] = []  # jobs in flight may still use them
        self._limiter: SlidingWindowLimiter | None = None
        self._stopping = False
        self._closed = False

    @property
    def config(self) -> Config:
        return self._config

    def get(self) -> NanoBananaClient:
        """The client for the current settings, built if there is none.

        Raises AccountProblemError when every job would fail alike (no key, a bad setting, a
        model the key cannot use), StoppedError once the engine is closed.
        """
        with self._building:
            while True:
                with self._lock:
                    if self._closed:
                        raise StoppedError("the engine is closed")
                    if self._client is not None:
                        return self._client
                    config, round_ = self._config, self._round
                    options = self._options_for(config)
                client = self._build(config, options)
                with self._lock:
                    if self._closed:
                        client.close()
                        raise StoppedError("the engine is closed")
                    if self._stopping:
                        client.stop_sending()  # built during a stop: it sends nothing
                    if round_ == self._round:
                        self._client = client
                        break
                    self._retired.append(client)  # the settings changed meanwhile: again
            if client.choice is not None:
                self._notices.model_chosen(client.choice)
            return client

    def change(self, config: Config) -> None:
        """New settings: the next job gets a client built for them."""
        with self._lock:
            self._config = config
            self._retire_current()

    def renew(self) -> None:
        """The same settings, a new client: the key or the account may have changed outside
        the settings (after an account problem, the user fixed it)."""
        with self._lock:
            self._retire_current()

    def model_went_away(self) -> None:
        """A model answered 404: the list the client chose from is stale. The settings stay."""
        self._catalog.invalidate()
        self.renew()

    def stop_sending(self) -> None:
        """Stopping: no new requests; those in flight go on (they may be paid)."""
        with self._lock:
            self._stopping = True
            clients = self._all()
        for client in clients:
            client.stop_sending()

    def abort_in_flight(self) -> None:
        with self._lock:
            clients = self._all()
        for client in clients:
            client.abort_in_flight()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            clients = self._all()
            self._client, self._retired = None, []
        for client in clients:
            client.close()

    # -- under the lock --------------------------------------------------------------------

    def _retire_current(self) -> None:
        if self._client is not None:
            self._retired.append(self._client)  # closed with the engine, not under a job
        self._client = None
        self._round += 1
        self._notices.choice = None  # the next client chooses again

    def _all(self) -> list[NanoBananaClient]:
        return [*self._retired, *([self._client] if self._client else [])]

    def _options_for(self, config: Config) -> dict[str, Any]:
        options = dict(self._options)
        if config.mode is Mode.LIVE:
            # The model is settled (and checked, free) before the first photo is sent.
            options.setdefault("limiter", self._shared_limiter(config.rpm))
            options.setdefault("catalog", self._catalog)
            options.setdefault("spool", self._spool)
            options.setdefault("on_model_status", self._notices.status_seen)
        return options

    def _shared_limiter(self, rpm: int) -> SlidingWindowLimiter:
        """One requests-per-minute window for the engine's life: a client rebuilt after a
        settings change still counts the requests its predecessor sent this minute."""
        from app.services.gemini_client import RATE_WINDOW_S

        if self._limiter is None:
            self._limiter = SlidingWindowLimiter(rpm, RATE_WINDOW_S)
        else:
            self._limiter.set_limit(rpm)
        return self._limiter

    # -- outside the lock ------------------------------------------------------------------

    @staticmethod
    def _build(config: Config, options: dict[str, Any]) -> NanoBananaClient:
        try:
            return create_client(config, **options)
        except ConfigError as error:  # every job would fail alike: pause, say why
            raise AccountProblemError(AccountProblemKind.BAD_SETTING, str(error)) from error
