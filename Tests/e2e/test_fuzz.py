"""Hostile input cannot hurt: while a driver charges (started through the
billing authority), a data-control operator sends over ten thousand frames,
every CALL a charge point can receive with boundary and random values in
every field, and frames that are not OCPP-J at all. The agent stays up,
answers each CALL whose unique id it can read exactly once, and the charge
goes on untouched. Then text that is not UTF-8 closes the connection with
1007, and a message beyond the size limit with 1009, and the agent comes
back.

The data-control Central System is a raw WebSocket server here: the `ocpp`
library would refuse to send what this test sends.

CHARGEPLEX_FUZZ_SEED replays a run; CHARGEPLEX_FUZZ_FRAMES sets the count.
"""
import asyncio
import json
import os
import random
import subprocess
import time

import websockets

from fuzz_frames import INCOMING, Generator
from harness import Agent, CentralSystem

FRAMES = int(os.environ.get("CHARGEPLEX_FUZZ_FRAMES", "10000"))
#: How many CALLs may wait for their answer at once: the agent holds 16 and refuses more.
WINDOW = 16
ERROR_CODES = {
    "NotImplemented", "NotSupported", "InternalError", "ProtocolError", "SecurityError", "FormationViolation",
    "PropertyConstraintViolation", "OccurenceConstraintViolation", "TypeConstraintViolation", "GenericError",
}


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class DataControl:
    """A Central System that answers the charge point's CALLs correctly and
    sends it whatever the test wants, counting the answers it gets back."""

    def __init__(self):
        self.connection = None
        self.changed = asyncio.Condition()
        self.registrations = 0
        self.disconnects = []
        self.received = []
        self.answers = {}
        self.pending = {}
        self.unexpected = []

    async def serve(self, connection):
        self.connection = connection
        try:
            async for message in connection:
                await self.receive(connection, message)
                async with self.changed:
                    self.changed.notify_all()
        except websockets.ConnectionClosed:
            pass
        finally:
            self.disconnects.append(connection.close_code)
            async with self.changed:
                self.changed.notify_all()

    async def wait_for(self, predicate, what, timeout=30):
        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(predicate), timeout)
            except asyncio.TimeoutError:
                raise AssertionError("no %s within %ss" % (what, timeout)) from None

    async def receive(self, connection, message):
        frame = json.loads(message)
        if frame[0] == 2:
            _, message_id, action, payload = frame
            self.received.append((action, payload))
            await connection.send(json.dumps([3, message_id, self.confirmation(action)]))
            if action == "BootNotification":
                self.registrations += 1
            return
        message_id = frame[1]
        self.answers.setdefault(message_id, []).append(frame)
        if message_id in self.pending:
            del self.pending[message_id]
        elif len(self.answers[message_id]) == 1:
            self.unexpected.append(frame)

    @staticmethod
    def confirmation(action):
        if action == "BootNotification":
            return {"status": "Accepted", "currentTime": now(), "interval": 300}
        if action == "Heartbeat":
            return {"currentTime": now()}
        if action in ("Authorize", "StopTransaction"):
            return {"idTagInfo": {"status": "Accepted"}}
        if action == "StartTransaction":
            return {"transactionId": 300, "idTagInfo": {"status": "Accepted"}}
        if action == "DataTransfer":
            return {"status": "Accepted"}
        return {}

    async def send(self, text, message_id=None, action=None):
        """Sends a frame; one the charge point must answer waits for room among the CALLs
        waiting for their answer. A closed connection ends the wait."""
        if message_id is not None:
            closes = len(self.disconnects)
            await self.wait_for(lambda: len(self.pending) < WINDOW or len(self.disconnects) > closes,
                                "answer to any of %s" % list(self.pending)[:5])
            assert len(self.disconnects) == closes, "the connection closed: %s" % self.disconnects
            self.pending[message_id] = action
        await self.connection.send(text)

    async def call(self, action, payload, timeout=30):
        """Sends a CALL and returns its answer frame."""
        message_id = "t%d" % time.monotonic_ns()
        await self.send(json.dumps([2, message_id, action, payload]), message_id, action)
        await self.wait_for(lambda: message_id not in self.pending, "answer to " + action, timeout)
        return self.answers[message_id][0]

    def has_received(self, action):
        return any(received == action for received, _ in self.received)


def status(agent):
    return agent.cli("status")


def fate(agent):
    """What became of the agent, once a crash has had time to end it."""
    try:
        return "exited with status %d" % agent.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        return "is still running"


def test_a_data_control_operator_cannot_hurt_the_agent_or_the_charge():
    asyncio.run(fuzz())


async def fuzz():
    seed = int(os.environ.get("CHARGEPLEX_FUZZ_SEED", str(random.SystemRandom().randrange(2**32))))
    print("fuzz seed %d (CHARGEPLEX_FUZZ_SEED=%d replays it)" % (seed, seed))
    generator = Generator(random.Random(seed))
    energy = DataControl()
    server = await websockets.serve(energy.serve, "127.0.0.1", 0, subprotocols=["ocpp1.6"], max_size=2**20)
    port = server.sockets[0].getsockname()[1]
    billing = await asyncio.to_thread(CentralSystem, "billing", "--transaction-id-base", "100")
    agent = Agent([("billing", billing.url, "billing"), ("energy", "ws://127.0.0.1:%d/ocpp" % port, "data-control")])
    try:
        agent.start()
        await asyncio.to_thread(billing.wait_for_call, "StatusNotification", connectorId=2)
        await energy.wait_for(lambda: energy.has_received("StatusNotification"), "registration")
        await asyncio.to_thread(agent.sim, "plug", 1)
        await asyncio.to_thread(agent.sim, "swipe", 1, "FUZZCARD")
        await asyncio.to_thread(billing.wait_for_call, "StartTransaction", idTag="FUZZCARD")
        await energy.wait_for(lambda: energy.has_received("StartTransaction"), "StartTransaction")
        before = await asyncio.to_thread(status, agent)
        assert "1: Charging" in before and "transaction 1 is 100 here" in before, before

        started = time.monotonic()
        expected = {}
        sent = 0
        for _ in range(FRAMES):
            text, message_id, action = generator.frame()
            if message_id is not None:
                expected[message_id] = action
            try:
                await energy.send(text, message_id, action)
            except AssertionError as error:
                raise AssertionError("%s; the agent %s (seed %d; its log: %s/agent.log)" % (
                    error, await asyncio.to_thread(fate, agent), seed, agent.state)) from None
            sent += 1
        try:
            await energy.wait_for(lambda: not energy.pending, "answer to every CALL", timeout=120)
        except AssertionError:
            raise AssertionError("unanswered (seed %d): %s" % (seed, list(energy.pending)[:5])) from None
        elapsed = time.monotonic() - started
        print("fuzz: %d frames, %d CALLs answered, in %.1f s (%.0f frames/s)" % (
            sent, len(expected), elapsed, sent / elapsed))

        assert agent.process.poll() is None, "the agent died (seed %d)" % seed
        assert energy.disconnects == [], "the link was closed (seed %d): %s" % (seed, energy.disconnects)
        assert energy.unexpected == [], "answers to nothing that was asked (seed %d): %s" % (seed, energy.unexpected[:5])
        results = {}
        for message_id, answers in energy.answers.items():
            if message_id in expected:
                assert len(answers) == 1, "%s answered %d times (seed %d)" % (message_id, len(answers), seed)
                answer = answers[0]
                assert answer[0] in (3, 4), answer
                if answer[0] == 4:
                    assert answer[2] in ERROR_CODES, answer
                    # Never refused for lack of room: each CALL reached the agent's handlers.
                    assert "already waiting" not in answer[3], answer
                elif expected[message_id] is not None:
                    results[expected[message_id]] = results.get(expected[message_id], 0) + 1
        print("fuzz: CALLRESULTs by action: %s" % json.dumps(results, sort_keys=True))
        # The frames reached the handlers: every action a charge point receives was
        # answered with its own confirmation at least once, not only refused at decode.
        assert set(INCOMING) <= set(results), "never a CALLRESULT for %s" % (set(INCOMING) - set(results))

        # A limit of 0 from this operator may have suspended charging: that is allowed and
        # never ends the transaction. Once its profiles are gone the relay closes again.
        assert (await energy.call("ClearChargingProfile", {}))[0] == 3
        assert (await energy.call("ChangeAvailability", {"connectorId": 0, "type": "Operative"}))[0] == 3
        await expect_charge_untouched(agent, billing, energy, seed)

        # Text that is not UTF-8 (1007) and a message beyond 64 KiB (1009) close the
        # connection; the agent reconnects and the charge still goes on.
        for code, frame in ((1007, b'[2,"u8","Reset",{"type":"\xc3\x28"}]'),
                            (1009, json.dumps([2, "big", "DataTransfer", {"vendorId": "x", "data": "y" * 100_000}]))):
            closes, registrations = len(energy.disconnects), energy.registrations
            await energy.connection.send(frame, text=True)
            await energy.wait_for(lambda: len(energy.disconnects) > closes, "close %d" % code)
            assert energy.disconnects[-1] == code, energy.disconnects
            await energy.wait_for(lambda: energy.registrations > registrations, "registration after close %d" % code)
        await expect_charge_untouched(agent, billing, energy, seed)
    finally:
        agent.terminate()
        server.close()
        await server.wait_closed()
        await asyncio.to_thread(billing.stop)


async def expect_charge_untouched(agent, billing, energy, seed):
    """Still charging, with the same transaction and the authority's same id; no stop anywhere."""
    deadline = time.monotonic() + 30
    while True:
        text = await asyncio.to_thread(status, agent)
        if "1: Charging" in text or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert agent.process.poll() is None, "the agent died (seed %d)" % seed
    assert "1: Charging" in text and "transaction 1 for FUZZCARD (authority billing)" in text, text
    assert "transaction 1 is 100 here" in text, text
    assert billing.calls("StopTransaction") == [] and billing.invalid() == []
    assert [payload for action, payload in energy.received if action == "StopTransaction"] == []
