"""Every request to Jira goes through here: one retry policy, and failures a user can act on.

429 and 503 say when to come back (Retry-After, in seconds or as an HTTP date) and we do as told,
every thread of the sync alike (see `limiter`);
500, 502, 504, timeouts and dropped connections back off exponentially with jitter; a body that is
not the JSON we asked for (a proxy's error page, a cut-off transfer) is tried a few times. All of
it ends within a time budget per request, so a sync never hangs on a site that is down. The jira
library's own retry is switched off: it only knows 429/503 and sleeps up to a minute unasked.

Messages are built from the status, the path and Jira's own message only, never from the jira
library's JIRAError text: that prints the request headers, which carry the credentials.
"""
from __future__ import annotations

import email.utils
import gc
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import requests
import tenacity
from jira.exceptions import JIRAError

from etl.errors import UserError
from etl.jira.limiter import Limiter
from etl.redact import redact

log = logging.getLogger("etl.jira")

WAIT_AS_TOLD = frozenset({429, 503})
BACK_OFF = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    budget_seconds: float = 600.0      # one request, every attempt and wait included
    first_wait_seconds: float = 1.0
    max_wait_seconds: float = 60.0
    malformed_attempts: int = 3
    connect_timeout: float = 10.0
    read_timeout: float = 120.0

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    @classmethod
    def giving_up_after(cls, seconds: float) -> "RetryPolicy":
        """The user's bound on one request ([jira].give_up_after_seconds): no single wait, connect
        or read may outlast it either, or a site that never answers would hold the run past it."""
        return cls(budget_seconds=seconds, max_wait_seconds=min(cls.max_wait_seconds, seconds),
                   connect_timeout=min(cls.connect_timeout, seconds), read_timeout=min(cls.read_timeout, seconds))


class JiraProblem(UserError):
    """Jira refused, or kept failing; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Malformed(Exception):
    """A successful answer whose body is not what was asked for."""

    def __init__(self, reason: str, body: str):
        super().__init__(reason)
        self.reason = reason
        # Redacted before it is cut: half a secret is still one.
        self.excerpt = " ".join(redact(body)[:60].split())


class _GcPause:
    """Pauses the cyclic garbage collector while any thread parses, and resumes it when the last
    one is done: the sync's fetching threads parse at the same time, and a per-call pause would
    let one of them leave the collector off for good."""

    def __init__(self):
        self._lock = threading.Lock()
        self._parsing = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if self._parsing == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._parsing += 1

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._parsing -= 1
            if self._parsing == 0 and self._resume:
                gc.enable()


_gc_paused = _GcPause()


def parse_json(text: str) -> Any:
    """json.loads without the cyclic garbage collector: a search page is tens of thousands of new
    containers, each allocation counting toward a collection that walks every live object, and
    parsed JSON holds no cycles to find. Collections took a sixth of a sync's time."""
    with _gc_paused:
        return json.loads(text)


class JiraHttp:
    def __init__(self, session: requests.Session, site: str, policy: RetryPolicy, credential_names: str,
                 limiter: Limiter | None = None):
        self.session = session
        self.site = site
        self.policy = policy
        self.credential_names = credential_names
        self.limiter = limiter or Limiter()
        self._backoff = tenacity.wait_exponential_jitter(
            multiplier=policy.first_wait_seconds, max=policy.max_wait_seconds, jitter=policy.first_wait_seconds)

    def fetch(self, method: str, path: str, *, what: str, params: dict | None = None,
              body: dict | None = None, expect: str | None = None, hint: str = "") -> tuple[str, Any]:
        """The response text exactly as sent (for the raw store) and its parsed JSON.

        `expect` names the array the body must hold; a body without it counts as malformed.
        """
        url = self.site + path
        data = json.dumps(body) if body is not None else None

        def attempt() -> tuple[str, Any]:
            with self.limiter.slot():
                response = self.session.request(method, url, params=params, data=data)
                content = response.content
            try:
                # JSON is UTF-8 by definition; decoding it ourselves spares requests' charset sniffing.
                text = content.decode("utf-8")
                parsed = parse_json(text)
            except ValueError:
                raise Malformed("not JSON", content[:200].decode("utf-8", "replace")) from None
            if expect and not (isinstance(parsed, dict) and isinstance(parsed.get(expect), list)):
                raise Malformed(f"no {expect!r} list", text)
            return text, parsed

        return self.call(attempt, what=what, where=f"{method} {path}", hint=hint)

    def library(self, fn: Callable[[], Any], *, what: str, where: str) -> Any:
        """Call a jira library method (it uses this same session) under the same policy."""
        def attempt():
            try:
                with self.limiter.slot():
                    return fn()
            except ValueError as exc:  # the library's response.json() on a body that is not JSON
                raise Malformed("not JSON", getattr(exc, "doc", "") or "") from None
        return self.call(attempt, what=what, where=where)

    def call(self, attempt: Callable[[], Any], *, what: str, where: str, hint: str = "") -> Any:
        malformed = 0

        def counted():
            nonlocal malformed
            try:
                return attempt()
            except Malformed:
                malformed += 1
                raise

        def stop(state: tenacity.RetryCallState) -> bool:
            # Bodies that are not JSON rarely mend: a few tries, whatever else failed in between.
            if isinstance(state.outcome.exception(), Malformed) and malformed >= self.policy.malformed_attempts:
                return True
            return state.seconds_since_start + state.upcoming_sleep > self.policy.budget_seconds

        retrying = tenacity.Retrying(retry=tenacity.retry_if_exception(_worth_retrying), wait=self._wait,
                                     stop=stop, before_sleep=lambda state: self._before_sleep(where, state),
                                     reraise=True)
        try:
            return retrying(counted)
        except JIRAError as exc:
            raise self._refused(exc, what, where, hint, retrying.statistics) from None
        except Malformed as exc:
            began = f" (it began {exc.excerpt!r})" if exc.excerpt else ""
            raise JiraProblem(
                f"Jira answered {where} at {self.site} with a body that is {exc.reason} "
                f"{_tries(retrying.statistics)}{began}; a proxy or single sign-on page may be in the way") from None
        except requests.exceptions.SSLError:
            raise JiraProblem(f"could not verify the TLS certificate of {self.site}: check [jira].url, "
                              "or install your company's CA certificate") from None
        except requests.Timeout:
            raise JiraProblem(f"Jira at {self.site} did not answer {what} in time "
                              f"{_tries(retrying.statistics)}; try again later") from None
        except requests.RequestException:
            raise JiraProblem(f"could not reach {self.site} for {what} {_tries(retrying.statistics)}: "
                              "check [jira].url and your network") from None

    def _wait(self, state: tenacity.RetryCallState) -> float:
        told = _retry_after(state.outcome.exception())
        return told if told is not None else self._backoff(state)

    def _before_sleep(self, where: str, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception()
        if _retry_after(exc) is not None or (isinstance(exc, JIRAError) and exc.status_code == 429):
            # The site's limit, not this request's: every thread waits as long. Only for a wait
            # that happens; one past the budget ends the request instead.
            self.limiter.pause(state.upcoming_sleep)
        _note(where, state)

    def _refused(self, exc: JIRAError, what: str, where: str, hint: str, stats: dict) -> JiraProblem:
        status = exc.status_code
        says = " ".join(redact(str(exc.text or "")).split())[:200]
        because = f": {says}" if says else ""
        if status == 401:
            message = f"Jira rejected the credentials for {self.site}: check {self.credential_names}"
        elif status == 403:
            message = (f"Jira refused {what} at {self.site} (403 Forbidden{because}): the account behind "
                       f"{self.credential_names} needs permission to browse the projects your JQL names")
        elif status == 404:
            message = (f"{self.site} has no {what} ({where} answered 404 Not Found): check that "
                       "[jira].url is your site's root address")
        elif status == 410:
            message = (f"{self.site} has retired {where} (410 Gone), which {what} needs: "
                       "update Followthrough")
        elif status == 429:
            told = _retry_after(exc)
            wait = f", last asked to wait {told:.0f} s" if told else ""
            message = (f"Jira kept rate-limiting {what} at {self.site} (429 Too Many Requests "
                       f"{_tries(stats)}{wait}): try again later")
        elif status in WAIT_AS_TOLD | BACK_OFF:
            message = f"Jira kept failing {what} at {self.site} ({status} {_tries(stats)}): try again later"
        else:
            message = f"Jira refused {what} at {self.site} ({status}{because})" + (f": {hint}" if hint else "")
        return JiraProblem(message, status)


def _worth_retrying(exc: BaseException) -> bool:
    if isinstance(exc, JIRAError):
        return exc.status_code in WAIT_AS_TOLD | BACK_OFF
    if isinstance(exc, requests.exceptions.SSLError):
        return False
    return isinstance(exc, (Malformed, requests.Timeout, requests.ConnectionError,
                            requests.exceptions.ChunkedEncodingError))


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds Jira asked us to wait, from Retry-After as a number or an HTTP date."""
    if not (isinstance(exc, JIRAError) and exc.status_code in WAIT_AS_TOLD and exc.response is not None):
        return None
    value = (exc.response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _tries(stats: dict) -> str:
    attempts = stats.get("attempt_number", 1)
    if attempts <= 1:
        return "at the first attempt"
    return f"after {attempts} attempts over {stats.get('delay_since_first_attempt', 0):.0f} s"


def _note(where: str, state: tenacity.RetryCallState) -> None:
    exc = state.outcome.exception()
    if isinstance(exc, JIRAError):
        reason = f"answered {exc.status_code}"
    elif isinstance(exc, Malformed):
        reason = f"answered with a body that is {exc.reason}"
    elif isinstance(exc, requests.Timeout):
        reason = "timed out"
    else:
        reason = "lost the connection"
    log.warning("Jira %s %s; retrying in %.1f s (attempt %d)", where, reason, state.upcoming_sleep,
                state.attempt_number + 1)
