"""Signed readings end to end: a pymodbus server playing the chargeplex-ocmf
meter (Tests/peers/modbus_meter.py, signing with a secp256r1 key made at its
start) behind the real agent, three real `ocpp` Central Systems, and pyocmf
verifying what each operator got with the key each reads from the agent's
configuration key MeterPublicKey[1]."""
import os
import tempfile

import pytest
from pyocmf import OCMF as OcmfRecord

from harness import Agent, Ledger, operator_list, stop_all, three_central_systems, wait_until
from meters import OCMF, Meter, MeterPeer, signed_values, write_pinmap

CARD = "04A2B3C4"
BASES = {"billing": 100, "home": 200, "energy": 300}


@pytest.fixture
def three():
    systems = three_central_systems()
    yield systems
    stop_all(systems)


@pytest.fixture
def workdir():
    return tempfile.mkdtemp(prefix="chargeplex-ocmf-")


@pytest.fixture
def meter(workdir):
    with MeterPeer(tcp_port=0, personality=OCMF, energy_kwh=88.0) as peer:
        yield peer


def start(systems, meter, workdir):
    agent = Agent(operator_list(systems), pinmap=write_pinmap(workdir, meter, "tcp"), workdir=workdir,
                  ocpp={"MeterValueSampleInterval": "2"}).start()
    for system in systems.values():
        wait_until(lambda: not agent.running or system.calls("BootNotification"), 30, "a BootNotification")
        assert agent.running, agent.logs()
        system.wait_for_call("StatusNotification", connectorId=1)
    return agent


def public_key(system):
    """MeterPublicKey[1] as GetConfiguration gives it to this operator (once the agent has read it)."""
    def read():
        answer = system.send("GetConfiguration", {"key": ["MeterPublicKey[1]"]})["payload"]
        entries = [entry for entry in answer.get("configurationKey", []) if entry["key"] == "MeterPublicKey[1]"]
        return entries[0] if entries and entries[0].get("value") else None
    entry = wait_until(read, 30, "MeterPublicKey[1] read from the meter")
    assert entry["readonly"] is True
    return entry["value"]


def verified(text, key):
    """The data set parsed by pyocmf to the letter of the OCMF spec, its signature checked."""
    record = OcmfRecord.from_string(text, strict=True)
    return record.verify_signature(key), record


def signed_begin(system, transaction_id, after=0):
    """The MeterValues that carries the Transaction.Begin data set of this operator's transaction."""
    return system.wait_for(lambda e: e["event"] == "call" and e["action"] == "MeterValues"
                           and e["payload"].get("transactionId") == transaction_id
                           and signed_values(e["payload"], "Transaction.Begin"), 30, after)


def test_every_operator_gets_the_same_signed_begin_and_end_and_pyocmf_verifies_them(three, meter, workdir):
    agent = start(three, meter, workdir)
    try:
        keys = {name: public_key(system) for name, system in three.items()}
        assert set(keys.values()) == {meter.meter.public_key_hex()}
        key = keys["billing"]
        agent.sim("plug", 1)
        agent.sim("swipe", 1, CARD)
        meter.meter.set_current(16)
        begins = {}
        for name, system in three.items():
            system.wait_for_call("StartTransaction", idTag=CARD)
            with system.lock:
                started = next(i for i, e in enumerate(system.events)
                               if e["event"] == "call" and e["action"] == "StartTransaction")
            # The Begin data set comes after this operator's own StartTransaction.
            event = signed_begin(system, BASES[name], after=started + 1)
            texts = signed_values(event["payload"], "Transaction.Begin")
            assert len(texts) == 1
            sample = [s for v in event["payload"]["meterValue"] for s in v["sampledValue"] if s.get("format") == "SignedData"][0]
            assert sample["measurand"] == "Energy.Active.Import.Register" and "unit" not in sample
            begins[name] = texts[0]
        assert len(set(begins.values())) == 1
        begin = begins["billing"]
        # Byte for byte what the meter made.
        assert ("B", begin) in meter.meter.datasets
        ok, record = verified(begin, key)
        assert ok and record.payload.RD[0].TX == "B" and record.payload.ID == CARD and record.payload.IS is True
        # The periodic samples are signed too, the same data set for every operator.
        samples = {}
        for name, system in three.items():
            event = system.wait_for(lambda e: e["event"] == "call" and e["action"] == "MeterValues"
                                    and e["payload"].get("transactionId") == BASES[name]
                                    and signed_values(e["payload"], "Sample.Periodic"), 30)
            samples[name] = signed_values(event["payload"], "Sample.Periodic")[0]
            assert ("C", samples[name]) in meter.meter.datasets
            assert verified(samples[name], keys[name])[0], name
        # Let the energy climb, then stop.
        wait_until(lambda: meter.meter.energy_wh() > 88000 + 2, 30, "energy counted")
        assert three["billing"].send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        stops = {name: system.wait_for_call("StopTransaction", transactionId=BASES[name])["payload"]
                 for name, system in three.items()}
        ends = set()
        for name, stop in stops.items():
            assert signed_values(stop, "Transaction.Begin") == [begin], name
            end = signed_values(stop, "Transaction.End")
            assert len(end) == 1, name
            # Each operator checks with the key it read itself.
            assert verified(begin, keys[name])[0] and verified(end[0], keys[name])[0], name
            ends.add(end[0])
        assert len(ends) == 1
        end = ends.pop()
        assert ("E", end) in meter.meter.datasets
        ok, end_record = verified(end, key)
        assert ok and end_record.payload.RD[0].TX == "E" and end_record.payload.ID == CARD
        assert end_record.payload.RD[0].RV > record.payload.RD[0].RV
        # Every signed value any operator got verifies: periodic samples too.
        for name, system in three.items():
            for event in system.calls("MeterValues"):
                for text in signed_values(event["payload"]):
                    assert verified(text, keys[name])[0], (name, text)
            assert Ledger(system).problems() == [], name
            assert system.invalid() == [], name
    finally:
        agent.terminate()


def test_a_data_set_altered_on_the_way_fails_verification(three, meter, workdir):
    agent = start(three, meter, workdir)
    try:
        key = public_key(three["home"])
        agent.sim("plug", 1)
        agent.sim("swipe", 1, CARD)
        begin = signed_values(signed_begin(three["home"], 200)["payload"], "Transaction.Begin")[0]
        assert verified(begin, key)[0]
        # One digit of the reading value changed: 88.xxx kWh becomes 98.xxx kWh.
        assert '"RV":88' in begin
        altered = begin.replace('"RV":88', '"RV":98', 1)
        ok, record = verified(altered, key)
        assert record.payload.RD[0].RV > 90 and ok is False
        # And the data set signed by another meter's key does not pass with this one.
        other = Meter(OCMF).public_key_hex()
        assert verified(begin, other)[0] is False
    finally:
        agent.terminate()


def test_a_meter_that_does_not_sign_lets_the_transaction_start_and_stop(three, meter, workdir):
    agent = start(three, meter, workdir)
    try:
        public_key(three["billing"])
        meter.meter.fail_signing = True
        agent.sim("plug", 1)
        agent.sim("swipe", 1, CARD)
        for name, system in three.items():
            system.wait_for_call("StartTransaction", idTag=CARD)
        wait_until(lambda: meter.meter.counts["command B"] == 1, 30, "the Begin asked of the meter")
        assert three["billing"].send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        for name, system in three.items():
            stop = system.wait_for_call("StopTransaction", transactionId=BASES[name])["payload"]
            assert signed_values(stop) == [], name
            assert all(signed_values(e["payload"]) == [] for e in system.calls("MeterValues")), name
            assert Ledger(system).problems() == [], name
        wait_until(lambda: "no signed reading" in agent.logs(), 10, "the missing data set in the agent's log")
    finally:
        agent.terminate()
