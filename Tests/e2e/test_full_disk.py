"""The state directory runs out of space while a transaction runs.

The agent's state directory is a small tmpfs (mounted by the test: root only;
skipped with the reason when mounting is not permitted). With three operators
(billing, home, energy as data-control):

1. Session A starts on connector 1 and its MeterValues reach every operator.
2. A filler file takes every byte left. Session A goes on: the connector stays
   Charging and its register keeps growing.
3. The driver of session B plugs into connector 2 and swipes: the record of a
   new transaction cannot be written, so it must not start. Every operator
   gets a StatusNotification for connector 2 with errorCode OtherError and
   vendorErrorCode StorageFull, and no operator ever gets B's
   StartTransaction.
4. Session A ends while the disk is still full (the car is unplugged): its
   StopTransaction and the MeterValues sampled meanwhile could not be stored
   yet; the agent keeps them and tries to store them again.
5. The filler goes. Without anything else being done, A's StopTransaction
   (each operator's own transactionId) and MeterValues sampled while the disk
   was full reach every operator; then a new session C on connector 2 starts
   and ends normally, and the queues drain.

The scenario runs once (a module fixture); each test checks one of these
expectations, so that a failing one does not hide the others.
CHARGEPLEX_FULL_DISK_RECOVERY_SECONDS (30) bounds how long the agent may take
to deliver A's StopTransaction once space is back.
"""
import tempfile
import time
from datetime import datetime, timezone

import pytest

from harness import (Agent, Ledger, Tmpfs, drained, env_number, ocpp_time, operator_list, parse_status, report,
                     stop_all, three_central_systems, wait_until)

RECOVERY_SECONDS = env_number("CHARGEPLEX_FULL_DISK_RECOVERY_SECONDS", 30.0)
SESSION_A, SESSION_B, SESSION_C = "DISK-A", "DISK-B", "DISK-C"

GOES_ON = "the running transaction goes on while the disk is full"
REFUSED = "a new transaction is refused while its record cannot be written"
STORAGE_FULL = "every operator gets StatusNotification OtherError/StorageFull for that connector"
CATCHES_UP = "once space is back, A's StopTransaction and MeterValues reach every operator"
STARTS_AGAIN = "once space is back, a new session starts and ends"
DRAINS = "the queues drain and every transaction is well formed"


def utc_now():
    return datetime.now(timezone.utc)


class FullDisk:
    def __init__(self, tmpfs):
        self.tmpfs = tmpfs
        self.systems = three_central_systems()
        self.agent = Agent(operator_list(self.systems), ocpp={"MeterValueSampleInterval": "1"},
                           state=tmpfs.path, workdir=tempfile.mkdtemp(prefix="chargeplex-e2e-"))
        self.failures = {name: [] for name in (GOES_ON, REFUSED, STORAGE_FULL, CATCHES_UP, STARTS_AGAIN, DRAINS)}
        self.ids = {}
        self.notes = []

    def expect(self, name, step):
        """Runs one step; a failed expectation is kept for its test, and the scenario goes on."""
        if not self.agent.running:
            self.failures[name].append("the agent is not running (exit status %s)" % self.agent.process.returncode)
            return
        try:
            step()
        except AssertionError as error:
            self.failures[name].append(str(error))

    def status(self):
        text = self.agent.status()
        assert text is not None, "the agent does not answer `chargeplex status`"
        return parse_status(text)

    def each(self, action, after, timeout=30, **fields):
        """The first such call to every operator since `after`, all within one deadline."""
        deadline = time.monotonic() + timeout
        found, missing = {}, []
        for name, system in self.systems.items():
            try:
                found[name] = system.wait_for_call(action, max(0.1, deadline - time.monotonic()), after[name], **fields)
            except AssertionError:
                missing.append(name)
        assert not missing, "no %s %s within %ss at: %s" % (action, fields, timeout, ", ".join(missing))
        return found

    def marks(self):
        return {name: system.mark() for name, system in self.systems.items()}

    def play(self):
        agent = self.agent
        agent.start()
        for system in self.systems.values():
            system.wait_for_call("StatusNotification", connectorId=2)

        # 1. Session A, before the disk fills.
        agent.sim("plug", 1)
        agent.sim("swipe", 1, SESSION_A)
        self.ids = {name: system.transaction_id_for(SESSION_A) for name, system in self.systems.items()}
        for name, system in self.systems.items():
            system.wait_for_call("MeterValues", transactionId=self.ids[name])

        # 2. The disk fills up; A goes on.
        self.filled_at = utc_now()
        self.notes.append("filler of %d bytes; %d left" % (self.tmpfs.fill(), self.tmpfs.available()))
        full = self.marks()

        def goes_on():
            readings = []

            def three_more_readings():
                status = self.status()
                assert status["running"].get(1, (None, None))[1] == SESSION_A, "session A no longer runs: %s" % status
                assert status["connectors"][1] == "Charging", "connector 1 is %s" % status["connectors"][1]
                if not readings or status["energy"][1] > readings[-1]:
                    readings.append(status["energy"][1])
                return len(readings) >= 4
            try:
                wait_until(three_more_readings, 20, "the register of connector 1 moves on three times")
            except AssertionError as error:
                raise AssertionError("%s (readings %s)" % (error, readings)) from None
        self.expect(GOES_ON, goes_on)

        # 3. Session B cannot start.
        agent.sim("plug", 2)
        agent.sim("swipe", 2, SESSION_B)

        def storage_full():
            self.each("StatusNotification", full, connectorId=2, errorCode="OtherError", vendorErrorCode="StorageFull")
        self.expect(STORAGE_FULL, storage_full)

        def refused():
            status = self.status()
            assert 2 not in status["running"], "a transaction runs on connector 2: %s" % (status["running"],)
        self.expect(REFUSED, refused)

        # 4. A ends while the disk is full.
        agent.sim("unplug", 1)

        def a_ended():
            wait_until(lambda: 1 not in self.status()["running"], 15, "session A ends when its car is unplugged")
        self.expect(GOES_ON, a_ended)
        self.stopped_at = utc_now()

        # 5. Space comes back.
        self.tmpfs.free()
        self.freed_at = utc_now()
        self.expect(CATCHES_UP, self.catches_up)
        self.expect(STARTS_AGAIN, self.starts_again)
        self.expect(DRAINS, self.drains)

    def catches_up(self):
        deadline = time.monotonic() + RECOVERY_SECONDS
        stops, problems = {}, []
        for name, system in self.systems.items():
            try:
                stops[name] = system.wait_for_call(
                    "StopTransaction", max(0.1, deadline - time.monotonic()), transactionId=self.ids[name])
            except AssertionError:
                problems.append("%s: no StopTransaction for its transactionId %d of A within %ss" % (
                    name, self.ids[name], RECOVERY_SECONDS))
            stamps = [ocpp_time(value["timestamp"])
                      for call in system.calls("MeterValues") if call["payload"].get("transactionId") == self.ids[name]
                      for value in call["payload"]["meterValue"]]
            while_full = [stamp for stamp in stamps if self.filled_at < stamp <= self.stopped_at]
            if not while_full:
                problems.append("%s: none of A's MeterValues sampled while the disk was full (%s .. %s) arrived; it got %s" % (
                    name, self.filled_at.isoformat(timespec="milliseconds"), self.stopped_at.isoformat(timespec="milliseconds"),
                    [s.isoformat(timespec="milliseconds") for s in stamps]))
            if name in stops and stops[name]["payload"]["reason"] != "EVDisconnected":
                problems.append("%s: A's StopTransaction %s" % (name, stops[name]["payload"]))
        assert not problems, "\n".join(problems)

    def starts_again(self):
        after = self.marks()
        self.agent.sim("swipe", 2, SESSION_C)
        self.each("StartTransaction", after, timeout=30, idTag=SESSION_C, connectorId=2)
        ids = {name: system.transaction_id_for(SESSION_C, after=after[name]) for name, system in self.systems.items()}
        charging = self.each("StatusNotification", after, connectorId=2, status="Charging")
        for name, event in charging.items():
            assert event["payload"]["errorCode"] == "NoError", "%s: %s" % (name, event["payload"])
        self.agent.sim("swipe", 2, SESSION_C)
        for name, system in self.systems.items():
            system.wait_for_call("StopTransaction", 30, after[name], transactionId=ids[name])

    def drains(self):
        names = list(self.systems)
        wait_until(lambda: drained(self.agent, names), 15, "every operator registered with an empty queue")

    def finish(self):
        self.agent.kill()
        for system in self.systems.values():
            system.settle()
        self.ledgers = [Ledger(system) for system in self.systems.values()]
        problems = [problem for ledger in self.ledgers for problem in ledger.problems()]
        if problems:
            self.failures[DRAINS].append(report(problems))
        for ledger in self.ledgers:
            if any(start["idTag"] == SESSION_B for start in ledger.given.values()):
                self.failures[REFUSED].append("%s got the StartTransaction of %s" % (ledger.name, SESSION_B))

    def close(self):
        self.agent.kill()
        stop_all(self.systems)


@pytest.fixture(scope="module")
def full_disk():
    tmpfs = Tmpfs("16m")
    try:
        tmpfs.mount()
    except OSError as error:
        tmpfs.unmount()
        pytest.skip("cannot mount a tmpfs for the state directory (needs root): %s" % error)
    scenario = None
    try:
        scenario = FullDisk(tmpfs)
        began = time.monotonic()
        try:
            scenario.play()
        finally:
            scenario.finish()
        print("full disk scenario: %.1f s; %s; agent log %s" % (
            time.monotonic() - began, "; ".join(scenario.notes), scenario.agent.log_path))
        yield scenario
    finally:
        if scenario:
            scenario.close()
        tmpfs.unmount()


def check(scenario, name):
    assert not scenario.failures[name], "%s:\n%s" % (name, "\n".join(scenario.failures[name]))


def test_the_running_transaction_goes_on_while_the_disk_is_full(full_disk):
    check(full_disk, GOES_ON)


def test_a_new_transaction_cannot_start_while_its_record_cannot_be_written(full_disk):
    check(full_disk, REFUSED)


def test_every_operator_hears_storage_full_for_the_connector_that_could_not_start(full_disk):
    check(full_disk, STORAGE_FULL)


def test_once_space_is_back_the_earlier_stop_and_meter_values_reach_every_operator(full_disk):
    check(full_disk, CATCHES_UP)


def test_once_space_is_back_a_new_session_starts(full_disk):
    check(full_disk, STARTS_AGAIN)


def test_the_queues_drain_and_every_transaction_is_well_formed(full_disk):
    check(full_disk, DRAINS)


def test_every_operator_hears_the_full_disk_as_a_security_event_once_space_is_back(full_disk):
    def heard(system):
        return [c for c in system.calls("SecurityEventNotification") if c["payload"]["type"] == "MemoryExhaustion"]
    for name, system in full_disk.systems.items():
        events = wait_until(lambda: heard(system), 30, "%s hears MemoryExhaustion" % name)
        assert "full" in events[0]["payload"]["techInfo"]
