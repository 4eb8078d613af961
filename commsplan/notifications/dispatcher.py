"""The dispatcher: one per scheduler process, sending every reminder once and on time.

A coordinator expands due reminders into deliveries and takes over lapsed leases; a bounded pool
of senders per channel (email, webhook) claims deliveries one message at a time, urgent first,
and records each result as soon as its send finishes. A heartbeat renews the leases of what is
being sent. Webhook senders leave a receiver alone once it holds NOTIFY_WEBHOOK_SENDERS_PER_TARGET
of them, so a hung receiver delays nothing else. Between tasks the coordinator sleeps until the
next reminder falls due, woken early by PostgreSQL's LISTEN/NOTIFY, or after a short poll on SQLite.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import psycopg
from flask import Flask

from commsplan.db import write_transaction
from commsplan.extensions import db
from commsplan.notifications import notifiers
from commsplan.notifications.deliveries import (
    Claim,
    DispatchReport,
    Outcome,
    Wake,
    claim_next,
    next_wake,
    record,
    renew_leases,
    take_over_lapsed,
)
from commsplan.notifications.expand import expand_due
from commsplan.notifications.models import WAKE_CHANNEL, DeliveryChannel
from commsplan.notifications.settings import DeliverySettings
from commsplan.timeutil import utcnow

log = logging.getLogger(__name__)
Send = Callable[[notifiers.Message, DeliverySettings], None]
Clock = Callable[[], datetime]
LISTENING_POLL = 30.0  # with LISTEN working, the database wakes us: poll only as a safety net
BUSY_PAUSE = 0.05  # due work another scheduler holds: look again shortly, do not spin
SOON = timedelta(milliseconds=5)


@dataclass(frozen=True)
class Sent:
    """A message that went (or failed to), waiting to be recorded with the sender's next claim."""

    claim: Claim
    outcome: Outcome


class Signal:
    """A wake-up that is never lost: a waiter sees any notify since it last looked."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0

    def notify(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def seen(self) -> int:
        with self._condition:
            return self._generation

    def wait(self, since: int, timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._generation != since, timeout=max(timeout, 0))


class InFlight:
    """What this process is sending now: lease tokens to renew, and how busy each webhook target is."""

    def __init__(self, per_target: int) -> None:
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._targets: Counter[int] = Counter()
        self.per_target = per_target

    def start(self, claim: Claim) -> None:
        with self._lock:
            self._tokens.add(claim.token)
            self._targets.update(item.webhook_target_id for item in claim.message.items
                                 if item.webhook_target_id is not None)

    def finish(self, claim: Claim) -> None:
        with self._lock:
            self._tokens.discard(claim.token)
            self._targets.subtract(item.webhook_target_id for item in claim.message.items
                                   if item.webhook_target_id is not None)

    def tokens(self) -> list[str]:
        with self._lock:
            return list(self._tokens)

    def busy_targets(self) -> set[int]:
        with self._lock:
            return {target for target, count in self._targets.items() if count >= self.per_target}


class Dispatcher:
    """Expands and sends; `drain()` once (tests, `scheduler dispatch`), `run_forever()` as a service."""

    def __init__(self, app: Flask, *, settings: DeliverySettings, worker: str,
                 send: Send = notifiers.send, clock: Clock = utcnow) -> None:
        self.app, self.settings, self.worker, self.send, self.clock = app, settings, worker, send, clock
        self.report = DispatchReport()
        self.stopping = threading.Event()
        self.wake = Signal()  # the coordinator's: something may have fallen due
        self.work = Signal()  # the senders': deliveries may be waiting
        self.in_flight = InFlight(settings.webhook_senders_per_target)
        self.listening = False
        self._report_lock = threading.Lock()
        self._failures: list[BaseException] = []
        self._next_take_over = 0.0  # time.monotonic() of the next look for lapsed leases
        # Emails need no lock (any sender may take any email); webhooks count slots per receiver.
        self._claiming: dict[DeliveryChannel, AbstractContextManager[Any]] = {
            DeliveryChannel.EMAIL: nullcontext(), DeliveryChannel.WEBHOOK: threading.Lock()}

    # --- the two ways to run -------------------------------------------------------------------

    def drain(self) -> DispatchReport:
        """Send everything due now, once: expand, take over lapsed leases, send until none is due."""
        self.expand_all()
        self.take_over()
        senders = self.start_senders(drain=True)
        heartbeat = self.start(self.heartbeat, "heartbeat")
        for thread in senders:
            thread.join()
        self.stopping.set()
        heartbeat.join()
        if self._failures:
            raise self._failures[0]
        return self.report

    def run_forever(self) -> None:
        """Until `shutdown()`: sleep until something falls due, then expand and let the senders go."""
        threads = self.start_senders(drain=False) + [self.start(self.heartbeat, "heartbeat")]
        if db.engine.dialect.name == "postgresql":
            threads.append(self.start(self.listen, "listener"))
        try:
            while not self.stopping.is_set():
                seen = self.wake.seen()
                self.wake.wait(seen, self.tick())
        finally:
            self.shutdown()
            for thread in threads:
                thread.join(timeout=self.settings.lease.total_seconds())

    def shutdown(self) -> None:
        self.stopping.set()
        self.wake.notify()
        self.work.notify()

    # --- the coordinator -----------------------------------------------------------------------

    def tick(self) -> float:
        """One pass; returns how many seconds to sleep before the next."""
        try:
            expanded = self.expand_all()
            taken = self.take_over() if time.monotonic() >= self._next_take_over else 0
            wake = self.peek()
        except Exception:
            log.exception("Dispatching failed; trying again shortly")
            return self.settings.poll.total_seconds()
        now = self.clock()
        if expanded or taken or (wake.retry_at is not None and wake.retry_at <= now + SOON):
            self.work.notify()
        cap = LISTENING_POLL if self.listening else self.settings.poll.total_seconds()
        moments = [m for m in (wake.soonest, self.next_take_over_at(now)) if m is not None]
        wait = (min(moments) - now).total_seconds()
        return min(max(wait, 0 if expanded else BUSY_PAUSE), cap)

    def peek(self) -> Wake:
        """When the dispatcher is next needed (a read: no write lock taken)."""
        session = db.session()
        try:
            return next_wake(session, now=self.clock())
        finally:
            session.rollback()

    def next_take_over_at(self, now: datetime) -> datetime:
        return now + timedelta(seconds=max(self._next_take_over - time.monotonic(), 0))

    def expand_all(self) -> int:
        """Expand every due reminder, a batch per transaction; senders start on each as it commits."""
        total = 0
        while not self.stopping.is_set():
            claimed = write_transaction(lambda session: expand_due(
                session, now=self.clock(), worker=self.worker, settings=self.settings))
            total += claimed
            if claimed:
                self.work.notify()
            if claimed < self.settings.batch_size:
                break
        with self._report_lock:
            self.report.reminders += total
        return total

    def take_over(self) -> int:
        """Lapsed leases are looked for at most every heartbeat: they lapse on the lease's scale."""
        self._next_take_over = time.monotonic() + self.settings.heartbeat.total_seconds()

        def work(session: Any) -> DispatchReport:
            report = DispatchReport()
            take_over_lapsed(session, now=self.clock(), settings=self.settings, report=report)
            return report

        taken = write_transaction(work)
        self.merge(taken)
        return taken.taken_over

    # --- senders ---------------------------------------------------------------------------------

    def start(self, target: Callable[..., None], name: str, *args: Any) -> threading.Thread:
        thread = threading.Thread(target=self.guarded, args=(target, *args), name=name, daemon=True)
        thread.start()
        return thread

    def guarded(self, target: Callable[..., None], *args: Any) -> None:
        """Run a thread's body in its own app context; a crash is kept for `drain` to raise."""
        with self.app.app_context():
            try:
                target(*args)
            except BaseException as failure:  # noqa: B036 (handed to the caller of drain)
                self._failures.append(failure)
                if not isinstance(failure, Exception):
                    return
                log.exception("Dispatcher thread %s stopped", threading.current_thread().name)
            finally:
                notifiers.close_connections()
                db.session.remove()

    def start_senders(self, *, drain: bool) -> list[threading.Thread]:
        pools = ((DeliveryChannel.EMAIL, self.settings.email_senders),
                 (DeliveryChannel.WEBHOOK, self.settings.webhook_senders))
        return [self.start(self.sender, f"{channel.value}-sender-{n}", channel, drain)
                for channel, size in pools for n in range(size)]

    def sender(self, channel: DeliveryChannel, drain: bool) -> None:
        """Claim, send, record, one message at a time, until nothing is due (drain) or shutdown.

        Each result is committed in the same transaction as the next claim: before the next send
        starts, so a crash re-sends at most the message on the wire, with one commit per message.
        """
        sent: Sent | None = None
        try:
            while not self.stopping.is_set():
                seen = self.work.seen()
                try:
                    claim = self.record_and_claim(channel, sent)
                except Exception:
                    if drain:
                        raise
                    log.exception("A %s sender failed; it carries on shortly", channel.value)
                    self.stopping.wait(self.settings.poll.total_seconds())
                    continue
                finally:
                    sent = None
                if claim is not None:
                    sent = self.deliver(claim)
                    continue
                if drain:
                    return
                notifiers.close_connections()  # nothing to send: do not keep an idle server waiting
                self.work.wait(seen, self.settings.poll.total_seconds())
        finally:
            if sent is not None:  # shutdown came between a send and its record
                self.record_and_claim(channel, sent, claim=False)

    def record_and_claim(self, channel: DeliveryChannel, sent: Sent | None, *,
                         claim: bool = True) -> Claim | None:
        """Record the last send and claim the next message in one transaction. Webhook claims are
        made one at a time in this process, so two senders never both take a receiver's last slot."""
        if sent is not None:
            self.in_flight.finish(sent.claim)

        def work(session: Any) -> tuple[DispatchReport, Claim | None]:
            report = DispatchReport()
            if sent is not None:
                record(session, sent.claim, sent.outcome, worker=self.worker, settings=self.settings,
                       report=report)
            if not claim:
                return report, None
            return report, claim_next(session, channel=channel, now=self.clock(), worker=self.worker,
                                      settings=self.settings, busy_targets=self.in_flight.busy_targets())

        with self._claiming[channel]:
            report, claimed = write_transaction(work)
            if claimed is not None:
                self.in_flight.start(claimed)
        self.merge(report)
        if sent is not None and channel is DeliveryChannel.WEBHOOK:
            self.work.notify()  # its receiver has a free slot again
        return claimed

    def deliver(self, claim: Claim) -> Sent:
        """Send a claimed message (already counted in flight); it leaves the count when recorded."""
        try:
            return Sent(claim, self.attempt(claim))
        except BaseException:
            self.in_flight.finish(claim)
            raise

    def attempt(self, claim: Claim) -> Outcome:
        started, clock_started = self.clock(), time.perf_counter()
        try:
            self.send(claim.message, self.settings)
            error = None
        except notifiers.NotifierError as failure:
            error = str(failure)[:2000]
        except Exception as failure:  # a notifier bug is recorded like a failure, not fatal
            log.exception("Unexpected error sending %s", claim.message.key)
            error = f"Unexpected error: {failure!r}"[:2000]
        took = int((time.perf_counter() - clock_started) * 1000)
        return Outcome(started, self.clock(), took, error)

    def merge(self, report: DispatchReport) -> None:
        with self._report_lock:
            self.report.add(report)

    # --- keeping leases and listening ------------------------------------------------------------

    def heartbeat(self) -> None:
        """Renew this process's leases a few times per lease, for as long as it sends."""
        while not self.stopping.wait(self.settings.heartbeat.total_seconds()):
            held = self.in_flight.tokens()
            if not held:
                continue
            try:
                write_transaction(partial(self.renew, held))
            except Exception:
                log.exception("Could not renew delivery leases; will try again")

    def renew(self, tokens: list[str], session: Any) -> int:
        return renew_leases(session, tokens, now=self.clock(), settings=self.settings)

    def listen(self) -> None:
        """PostgreSQL: wake the coordinator whenever a reminder is scheduled, moved or resent."""
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self.stopping.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {WAKE_CHANNEL}")
                    self.listening = True
                    while not self.stopping.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            self.wake.notify()
            except psycopg.Error:
                log.warning("Lost the database's wake-up channel; polling until it is back")
            self.listening = False
            self.stopping.wait(1.0)
