"""Power cuts, over and over, with three operators that come and go.

The agent runs against three real Central Systems (billing, home and energy
as data-control). Each cycle starts it on the same state directory, starts
sessions on one or both connectors (plug then swipe, or swipe then plug), lets
them charge, stops some (the card again, unplugging, or the billing operator's
RemoteStopTransaction), and ends with a SIGKILL: within 20 ms after a swipe,
within 20 ms after a stop was asked for, or at a random instant of the cycle
(startup and recovery included). Meanwhile a Central System may go offline
(its server ends) or come back on the same port. All choices come from one
seeded generator: the seed is printed, and CHARGEPLEX_SOAK_SEED plays a run
again (as far as the timing of the processes allows).

After the last cycle every operator comes back, the agent starts once more
(its recovery stops what was running with reason PowerLoss), and the test
waits until `chargeplex status` shows every operator registered with an empty
queue, or CHARGEPLEX_SOAK_DRAIN_SECONDS pass. Then, per operator, from what it
received in arrival order (see `Ledger` and the checks in harness.py):

- each transactionId it gave has exactly one StopTransaction with that id;
- no MeterValues or StopTransaction carries an id it never gave;
- the MeterValues of a transaction come in timestamp order, and none after
  its StopTransaction;
- no StopTransaction is stamped earlier than a meter value received for that
  transaction, and its meterStop is not below a register already reported;
- every operator heard of the same transactions, and of the same end of each
  (StopTransaction reason, timestamp, meterStop and idTag);
- StatusNotification Charging never before the StartTransaction of the
  transaction running on that connector, Finishing never before the
  StopTransaction of the one that ended there;
- nothing is left in the queues, and every message passed the schemas.

Delivery is at least once: after a power cut the agent sends again what it had
sent without seeing the answer. A message received again with the same payload
counts once; the Central System answers a repeated StartTransaction with the id
it gave the first time (as a real one that de-duplicates would), so a
transaction is one transactionId, and two *different* StopTransactions for one
id fail. Statuses sent right after a BootNotification (the current status of
every connector on (re)connection) are not held to the order: the rule book
sends them before the queued transaction messages.

Bounds: CHARGEPLEX_SOAK_CYCLES (30), CHARGEPLEX_SOAK_DRAIN_SECONDS (60).
"""
import os
import random
import signal
import threading
import time

import pytest

from harness import (Agent, Ledger, agreement_problems, drained, env_number, operator_list, parse_status, report,
                     status_order_problems, stop_all, three_central_systems, wait_until)

CYCLES = env_number("CHARGEPLEX_SOAK_CYCLES", 30)
DRAIN_SECONDS = env_number("CHARGEPLEX_SOAK_DRAIN_SECONDS", 60.0)
SEED = env_number("CHARGEPLEX_SOAK_SEED", 0) or random.SystemRandom().randrange(1, 1_000_000)

KILL_AFTER_SWIPE = "within 20 ms after a swipe"
KILL_DURING_STOP = "within 20 ms after a stop"
KILL_AT_RANDOM = "at a random instant"
KILL_AT_END = "at the end of a cycle"


class Soak:
    def __init__(self, seed):
        self.seed = seed
        self.rng = random.Random(seed)
        self.systems = three_central_systems()
        self.agent = Agent(operator_list(self.systems), connectors=2, ocpp={
            "MeterValueSampleInterval": "1", "AllowOfflineTxForUnknownId": "true"})
        self.began = time.monotonic()
        self.story = []
        self.kills = {KILL_AFTER_SWIPE: 0, KILL_DURING_STOP: 0, KILL_AT_RANDOM: 0, KILL_AT_END: 0}
        self.swipes = 0
        self.outages = 0
        self.drain_problems = []
        self.exits = []
        self.final_status = ""

    def note(self, text):
        self.story.append("%7.2f  %s" % (time.monotonic() - self.began, text))

    # The steps of a cycle; each one does nothing once the power is cut.

    def act(self, *arguments):
        if not self.agent.running:
            return False
        done = self.agent.sim_once(*arguments)
        if done:
            self.note("sim " + " ".join(map(str, arguments)))
            self.swipes += arguments[0] == "swipe"
        return done

    def power_cut(self, why):
        if self.agent.running:
            self.agent.kill()
            self.kills[why] += 1
            self.note("power cut " + why)

    def pause(self, seconds):
        """Time passing in the scenario (not a wait for something to happen)."""
        deadline = time.monotonic() + seconds
        while self.agent.running and time.monotonic() < deadline:
            time.sleep(min(0.05, max(0, deadline - time.monotonic())))

    def toggle_an_operator(self):
        system = self.rng.choice(list(self.systems.values()))
        if system.online:
            system.go_offline()
            self.outages += 1
            self.note("%s goes offline" % system.name)
        else:
            system.come_back()
            self.note("%s is back" % system.name)

    def remote_stop(self, connector):
        """The billing operator stops the transaction on `connector`, if it knows it."""
        billing = self.systems["billing"]
        text = self.agent.status() if self.agent.running and billing.online else None
        if not text:
            return False
        status = parse_status(text)
        running = status["running"].get(connector)
        billing_ids = status["operators"].get("billing", {}).get("ids", {})
        if running is None or running[0] not in billing_ids or status["operators"]["billing"]["link"] != "open":
            return False
        transaction_id = billing_ids[running[0]]
        mark = billing.mark()
        billing.command(send="RemoteStopTransaction", payload={"transactionId": transaction_id}, timeout=3)
        try:
            answer = billing.wait_for(lambda e: e["event"] in ("answer", "error"), timeout=5, after=mark)
        except AssertionError:
            return False
        self.note("billing RemoteStopTransaction %d: %s" % (transaction_id, answer.get("payload") or answer))
        return answer.get("payload", {}).get("status") == "Accepted"

    def stop(self, connector, card):
        how = self.rng.choice(("card", "unplug", "remote"))
        if how == "remote" and self.remote_stop(connector):
            return
        if how == "card":
            self.act("swipe", connector, card)
        else:
            self.act("unplug", connector)

    def cycle(self, number):
        rng = self.rng
        mode = rng.choice((KILL_AFTER_SWIPE, KILL_DURING_STOP, KILL_AT_RANDOM))
        outage = rng.choice(("before", "while charging", None, None))
        if outage == "before":
            self.toggle_an_operator()
        self.note("cycle %d: power on, cut %s" % (number, mode))
        self.agent.start()
        timer = None
        if mode == KILL_AT_RANDOM:
            timer = threading.Timer(rng.uniform(0, 3.5), self.power_cut, (KILL_AT_RANDOM,))
            timer.start()
        wait_until(lambda: not self.agent.running or self.agent.status(), 30, "the agent answers after a start")

        connectors = [1, 2]
        rng.shuffle(connectors)
        chosen = connectors[:rng.choice((1, 2))]
        started = {}
        for index, connector in enumerate(chosen):
            card = "K%02dC%d" % (number, connector)
            last = index == len(chosen) - 1
            if mode == KILL_AFTER_SWIPE and last or rng.random() < 0.5:
                self.act("plug", connector)
                self.act("swipe", connector, card)
                if mode == KILL_AFTER_SWIPE and last:
                    self.pause(rng.uniform(0, 0.020))
                    self.power_cut(mode)
            else:
                self.act("swipe", connector, card)
                self.act("plug", connector)
            started[connector] = card

        charging = rng.uniform(0.3, 2.5)
        if outage == "while charging":
            self.pause(charging / 2)
            self.toggle_an_operator()
            self.pause(charging / 2)
        else:
            self.pause(charging)

        ending = [connector for connector in started if rng.random() < 0.6]
        if mode == KILL_DURING_STOP and not ending and started:
            ending = [next(iter(started))]
        for index, connector in enumerate(ending):
            self.stop(connector, started[connector])
            if mode == KILL_DURING_STOP and index == len(ending) - 1:
                self.pause(rng.uniform(0, 0.020))
                self.power_cut(mode)

        if timer is not None:
            timer.join()
        # Every cycle ends with a power cut.
        self.power_cut(KILL_AT_END)
        if self.agent.process.returncode != -signal.SIGKILL:
            self.exits.append("cycle %d: the agent ended by itself with status %s" % (number, self.agent.process.returncode))

    def finish(self):
        """Everyone back, one more start (recovery ends what ran), and the queues drain."""
        for system in self.systems.values():
            system.come_back()
        self.note("every operator online; power on for the drain")
        self.agent.start()
        names = list(self.systems)
        try:
            wait_until(lambda: drained(self.agent, names), DRAIN_SECONDS, "every operator registered with an empty queue")
            self.note("drained")
        except AssertionError:
            text = self.agent.status() or "(the agent does not answer)"
            self.drain_problems.append(("queue not empty after the drain", text.strip().replace("\n", " | ")))
            self.note("not drained within %ss" % DRAIN_SECONDS)
        self.final_status = self.agent.status() or ""
        self.agent.kill()
        for system in self.systems.values():
            system.settle()

    def play(self, cycles):
        for number in range(cycles):
            self.cycle(number)
        self.finish()
        self.ledgers = [Ledger(system) for system in self.systems.values()]
        for system in self.systems.values():
            system.save_events(os.path.join(self.agent.workdir, "events-%s.jsonl" % system.name))
        self.seconds = time.monotonic() - self.began

    def summary(self):
        lines = ["power-cut soak: seed %d (CHARGEPLEX_SOAK_SEED), %d cycles, %.1f s" % (self.seed, CYCLES, self.seconds),
                 "  power cuts: %s; swipes %d; operator outages %d" % (
                     ", ".join("%d %s" % (n, why) for why, n in self.kills.items()), self.swipes, self.outages),
                 "  agent log and each operator's events (events-NAME.jsonl): %s" % self.agent.workdir]
        for ledger in self.ledgers:
            lines.append("  %s: %d transactions, %d StopTransactions, resent identical: %s" % (
                ledger.name, len(ledger.given), sum(len(s) for s in ledger.stops.values()), ledger.repeats or "none"))
        return "\n".join(lines)

    def close(self):
        self.agent.kill()
        stop_all(self.systems)


@pytest.fixture(scope="module")
def soak():
    run = Soak(SEED)
    try:
        run.play(CYCLES)
        print(run.summary())
        print("\n".join(run.story))
        yield run
    finally:
        run.close()


def transaction_problems(soak, *kinds):
    found = [problem for ledger in soak.ledgers for problem in ledger.problems() if problem[0] in kinds]
    return "seed %d:\n%s" % (soak.seed, report(found)), found


def test_the_soak_cut_power_and_started_transactions(soak):
    assert not soak.exits, "seed %d: %s" % (soak.seed, soak.exits)
    assert sum(soak.kills.values()) == CYCLES
    assert all(ledger.given for ledger in soak.ledgers), soak.summary()


def test_every_transaction_has_exactly_one_stop_with_the_operators_own_id(soak):
    text, found = transaction_problems(
        soak, "no StopTransaction", "two different StopTransactions", "StopTransaction stamped before its StartTransaction")
    assert not found, text


def test_no_unknown_transaction_ids(soak):
    text, found = transaction_problems(soak, "unknown transactionId")
    assert not found, text


def test_meter_values_in_timestamp_order_and_before_the_stop(soak):
    text, found = transaction_problems(soak, "MeterValues out of timestamp order", "MeterValues after the StopTransaction")
    assert not found, text


def test_no_stop_stamped_before_a_meter_value(soak):
    text, found = transaction_problems(
        soak, "StopTransaction stamped before a meter value", "meterStop below a register already reported")
    assert not found, text


def test_every_operator_hears_of_every_transaction_and_its_end_alike(soak):
    found = agreement_problems(soak.ledgers)
    assert not found, "seed %d:\n%s" % (soak.seed, report(found))


def test_status_charging_and_finishing_follow_start_and_stop(soak):
    found = status_order_problems(soak.ledgers)
    assert not found, "seed %d:\n%s" % (soak.seed, report(found))


def test_nothing_left_in_the_queues_after_the_drain(soak):
    assert not soak.drain_problems, "seed %d:\n%s" % (soak.seed, report(soak.drain_problems))
    assert parse_status(soak.final_status)["running"] == {}, soak.final_status


def test_every_message_passed_the_schemas(soak):
    text, found = transaction_problems(soak, "schema violation")
    assert not found, text
