"""Modbus meters end to end: the real agent on the simulated board reads a
pymodbus server playing an Eastron SDM630 (Tests/peers/modbus_meter.py)
over Modbus RTU on a socat pty pair and over Modbus TCP on loopback, and
real `ocpp` Central Systems get the meter's own values. The meter misbehaves
on request: no answer, broken CRCs, another unit id, a reset or a swap."""
import os
import re
import signal
import subprocess
import tempfile
import threading

import pytest

from harness import (Agent, Ledger, binary, operator_list, parse_status, stop_all,
                     three_central_systems, wait_until)
from meters import MEASURANDS, MeterPeer, energy, number, served, values, write_pinmap

SERIAL = 23120417
START_KWH = 1520.0


@pytest.fixture
def workdir():
    return tempfile.mkdtemp(prefix="chargeplex-meters-")


@pytest.fixture(params=["tcp", "rtu"])
def backend(request):
    return request.param


@pytest.fixture
def meter(workdir):
    with MeterPeer(tcp_port=0, rtu_link=os.path.join(workdir, "meter-tty"), energy_kwh=START_KWH) as peer:
        yield peer


@pytest.fixture
def three():
    systems = three_central_systems()
    yield systems
    stop_all(systems)


def start(systems, meter, backend, workdir, **pinmap):
    agent = Agent(operator_list(systems) if len(systems) > 1 else [("home", systems["home"].url, "home")],
                  ocpp={"MeterValuesSampledData": MEASURANDS, "MeterValueSampleInterval": "1"},
                  pinmap=write_pinmap(workdir, meter, backend, **pinmap), workdir=workdir).start()
    booted(agent, systems)
    return agent


def booted(agent, systems):
    """Waits for every Central System's BootNotification and first status of connector 1;
    an agent that refused its configuration fails at once, with its log."""
    for system in systems.values():
        wait_until(lambda: not agent.running or system.calls("BootNotification"), 30, "a BootNotification")
        assert agent.running, agent.logs()
        system.wait_for_call("StatusNotification", connectorId=1)


def connector_energy(agent):
    text = agent.status()
    return parse_status(text)["energy"].get(1) if text else None


def charge(agent, systems, meter, card="04A2B3C4"):
    """A transaction on connector 1 with the car drawing 16 A a phase once it runs."""
    agent.sim("plug", 1)
    agent.sim("swipe", 1, card)
    starts = {name: system.wait_for_call("StartTransaction", idTag=card, connectorId=1) for name, system in systems.items()}
    meter.meter.set_current(16)
    return starts


def drawing_sample(system, transaction_id, after=0):
    """The first MeterValues of the transaction in which the meter shows the car drawing 16 A."""
    def matches(event):
        if event["event"] != "call" or event["action"] != "MeterValues":
            return False
        payload = event["payload"]
        currents = values(payload, "Current.Import", "L1")
        return payload.get("transactionId") == transaction_id and currents and number(currents[0]) == 16
    return system.wait_for(matches, 30, after)


def meter_status(agent, connector=1):
    """The meter lines under `connector` in `chargeplex status`: {"meter": text,
    "reading": text, "counters": {name: n}, "failure": text}, or None."""
    text = agent.status()
    if not text:
        return None
    found, under = {}, False
    for line in text.splitlines():
        if re.match(r"^  \d+: ", line):
            under = line.startswith("  %d: " % connector)
        elif under and line.startswith("    "):
            key, _, rest = line.strip().partition(": ")
            if key == "meter %d" % connector:
                found["meter"] = rest
            elif key == "last reading":
                found["reading"] = rest
            elif key == "polling since start":
                found["counters"] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", rest)}
            elif key == "PowerMeterFailure":
                found["failure"] = rest
    return found or None


def logs_mention(agent, *words):
    text = agent.logs().lower()
    return all(word.lower() in text for word in words)


def test_meter_values_carry_the_meters_own_readings(home, meter, backend, workdir):
    agent = start({"home": home}, meter, backend, workdir)
    try:
        # The connector's register is the meter's, not a simulated one.
        wait_until(lambda: (connector_energy(agent) or 0) >= START_KWH * 1000 - 1, 30, "the meter's register in status")
        # What the technician sees of the meter, and its identity logged once at start.
        shown = meter_status(agent)
        assert shown["meter"].startswith("modbus-%s " % backend), shown
        assert "map eastron-sdm630" in shown["meter"] and "serial %d" % SERIAL in shown["meter"], shown
        assert "does not sign" in shown["meter"] and shown["failure"] == "not active", shown
        assert re.match(r"\d+ Wh, [\d.]+ W, [\d.]+ s ago$", shown["reading"]), shown
        assert shown["counters"]["ok"] >= 1, shown
        identity = [line for line in agent.logs().splitlines() if "meter 1: modbus-%s" % backend in line]
        assert len(identity) == 1 and "serial %d" % SERIAL in identity[0], identity
        start_event = charge(agent, {"home": home}, meter)["home"]
        assert served(meter, start_event["payload"]["meterStart"], "energyKWh", tolerance=1)
        payload = drawing_sample(home, 1)["payload"]
        for phase, name in enumerate(("L1", "L2", "L3")):
            current = values(payload, "Current.Import", name)
            assert len(current) == 1 and number(current[0]) == 16 and current[0]["unit"] == "A"
            voltage = values(payload, "Voltage", name + "-N")
            assert len(voltage) == 1 and voltage[0]["unit"] == "V"
            assert served(meter, number(voltage[0]), "voltageV", phase), voltage
        power = values(payload, "Power.Active.Import")
        assert len(power) == 1 and power[0]["unit"] == "W" and served(meter, number(power[0]), "powerW"), power
        assert 11000 < number(power[0]) < 11200
        frequency = values(payload, "Frequency")
        assert len(frequency) == 1 and served(meter, number(frequency[0]), "frequencyHz", tolerance=0.006), frequency
        first = energy(payload)
        assert len(first) == 1 and served(meter, first[0], "energyKWh", tolerance=1), first
        # 11 kW: the register climbs from one sample to the next.
        later = home.wait_for(lambda e: e["event"] == "call" and e["action"] == "MeterValues"
                              and e["payload"].get("transactionId") == 1 and energy(e["payload"])
                              and energy(e["payload"])[0] > first[0], 30)
        assert served(meter, energy(later["payload"])[0], "energyKWh", tolerance=1)
        assert home.send("RemoteStopTransaction", {"transactionId": 1})["payload"]["status"] == "Accepted"
        stop = home.wait_for_call("StopTransaction", transactionId=1)["payload"]
        assert served(meter, stop["meterStop"], "energyKWh", tolerance=1)
        assert Ledger(home).problems() == []
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_meter_check_prints_identity_and_every_value(home, meter, workdir):
    agent = Agent([("home", home.url, "home")], pinmap=write_pinmap(workdir, meter, "tcp"), workdir=workdir)
    meter.meter.set_current(10)
    result = subprocess.run([binary(), "meter", "check", "--config", agent.config], capture_output=True, text=True, timeout=60)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "serial: %d" % SERIAL in out and "eastron" in out.lower()
    # One line a value: the name, the number, its unit.
    read = {name.strip(): (float(value), unit)
            for name, value, unit in re.findall(r"^  ([A-Z][\w.]+(?: L\d(?:-N)?)?)\s+(-?[\d.]+) (\w+)", out, re.M)}
    energy_value, energy_unit = read["Energy.Active.Import.Register"]
    assert served(meter, energy_value * (1000 if energy_unit == "kWh" else 1), "energyKWh", tolerance=1), out
    for phase, name in enumerate(("L1", "L2", "L3")):
        assert read["Current.Import " + name] == (10.0, "A"), out
        assert read["Voltage %s-N" % name][1] == "V" and served(meter, read["Voltage %s-N" % name][0], "voltageV", phase, 0.001), out
    assert read["Power.Active.Import"][1] == "W" and served(meter, read["Power.Active.Import"][0], "powerW", tolerance=0.001), out
    assert read["Frequency"][1] == "Hz" and served(meter, read["Frequency"][0], "frequencyHz", tolerance=0.001), out


def test_a_silent_meter_faults_the_connector_for_every_operator_and_recovers(three, meter, backend, workdir):
    agent = start(three, meter, backend, workdir)
    try:
        charge(agent, three, meter)
        marks = {name: system.mark() for name, system in three.items()}
        meter.meter.set_fault("silent")
        for name, system in three.items():
            system.wait_for_call("StatusNotification", after=marks[name], connectorId=1, status="Faulted",
                                 errorCode="PowerMeterFailure")
        shown = wait_until(lambda: (lambda m: m if m and m["counters"]["timeouts"] > 0 else None)(meter_status(agent)),
                           10, "the timeouts in status")
        assert shown["failure"].startswith("active"), shown
        meter.meter.set_fault(None)
        for name, system in three.items():
            back = system.wait_for(lambda e: e["event"] == "call" and e["action"] == "StatusNotification"
                                   and e["payload"]["connectorId"] == 1 and e["payload"]["status"] != "Faulted"
                                   and e["payload"]["errorCode"] == "NoError", 30, marks[name])
            assert back["payload"]["status"] in ("Charging", "SuspendedEV", "SuspendedEVSE")
        # The transaction went on throughout: its readings come again, nobody got a stop.
        for base, (name, system) in zip((100, 200, 300), three.items()):
            drawing_sample(system, base, after=system.mark())
            assert system.calls("StopTransaction") == [], name
            assert system.invalid() == []
        assert "1: Charging" in agent.status()
    finally:
        agent.terminate()


class Watch:
    """`chargeplex meter watch`: its lines as they come."""

    def __init__(self, config):
        self.lines = []
        self.process = subprocess.Popen([binary(), "meter", "watch", "--config", config],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def counters(self):
        """The counters of the latest cycle line, as numbers."""
        for line in reversed(self.lines):
            if "cycles=" in line:
                return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line.split("|", 1)[-1])}
        return None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def test_broken_crcs_are_counted_and_a_retry_mends_the_cycle(meter, workdir):
    agent = Agent([("home", "ws://127.0.0.1:1/ocpp", "home")], pinmap=write_pinmap(workdir, meter, "rtu", retries=2),
                  workdir=workdir)
    watch = Watch(agent.config)
    try:
        wait_until(lambda: (watch.counters() or {}).get("ok", 0) >= 1, 30, "a first cycle: %s" % watch.lines[-3:])
        for _ in range(3):
            meter.meter.set_fault("crc", answers=1)
            wait_until(lambda: meter.meter.state()["fault"] == "none", 10, "the broken answer taken")
        wait_until(lambda: meter.meter.counts["broken CRC"] == 3, 10, "three broken answers sent")
        counted = wait_until(lambda: (lambda c: c if c and c["crc"] >= 3 else None)(watch.counters()), 30,
                             "three CRC errors counted: %s" % watch.lines[-3:])
        assert counted["retries"] >= 3
        # Every cycle still gave a reading: a retry mended each broken answer.
        assert counted["ok"] == counted["cycles"], watch.lines[-3:]
        assert not [line for line in watch.lines if "failed" in line or "PowerMeterFailure" in line]
    finally:
        watch.stop()


def test_a_broken_answer_now_and_then_does_not_fault_the_connector(home, meter, workdir):
    agent = start({"home": home}, meter, "rtu", workdir, retries=2)
    try:
        charge(agent, {"home": home}, meter)
        mark = home.mark()
        for _ in range(5):
            meter.meter.set_fault("crc", answers=1)
            wait_until(lambda: meter.meter.state()["fault"] == "none", 10, "the broken answer taken")
        wait_until(lambda: meter.meter.counts["broken CRC"] == 5, 10, "five broken answers sent")
        # `chargeplex status` counts them, and the retries that mended them.
        shown = wait_until(lambda: (lambda m: m if m and m["counters"]["crc"] >= 5 else None)(meter_status(agent)),
                           10, "the CRC errors in status: %s" % meter_status(agent))
        assert shown["counters"]["retries"] >= 5 and shown["failure"] == "not active", shown
        assert "1: Charging" in agent.status()
        drawing_sample(home, 1, after=home.mark())
        with home.lock:
            later = home.events[mark:]
        assert not [e for e in later if e["event"] == "call" and e["action"] == "StatusNotification"
                    and e["payload"]["errorCode"] == "PowerMeterFailure"]
        assert "1: Charging" in agent.status()
    finally:
        agent.terminate()


def test_the_wrong_unit_id_is_a_clear_failure(home, meter, workdir):
    meter.meter.set_unit(7)
    agent = start({"home": home}, meter, "tcp", workdir, unit=1)
    try:
        home.wait_for_call("StatusNotification", connectorId=1, status="Faulted", errorCode="PowerMeterFailure")
        agent.terminate()
        result = subprocess.run([binary(), "meter", "check", "--config", agent.config], capture_output=True, text=True, timeout=60)
        out = (result.stdout + result.stderr).lower()
        assert result.returncode != 0
        assert "unit 1" in out and "does not answer" in out and "unit id" in out, out
    finally:
        agent.terminate()


@pytest.mark.parametrize("change,reason", [("reset", "MeterReset"), ("swap", "MeterReplaced")])
def test_a_meter_reset_or_swap_during_a_transaction_never_lowers_the_register(three, meter, workdir, change, reason):
    agent = start(three, meter, "tcp", workdir)
    try:
        charge(agent, three, meter)
        billing = three["billing"]
        before = energy(drawing_sample(billing, 100)["payload"])[0]
        marks = {name: system.mark() for name, system in three.items()}
        if change == "swap":
            # A meter is swapped with the power off: it is gone for a while,
            # then another one answers at the same address.
            meter.meter.set_fault("silent")
            billing.wait_for_call("StatusNotification", after=marks["billing"], connectorId=1, status="Faulted",
                                  errorCode="PowerMeterFailure")
            meter.meter.swap()
            meter.meter.set_fault(None)
        else:
            meter.meter.reset()
        for name, system in three.items():
            notice = system.wait_for_call("StatusNotification", after=marks[name], connectorId=1,
                                          errorCode="OtherError", vendorErrorCode=reason)
            assert "Wh" in notice["payload"].get("info", ""), notice
            # The notice carries the connector's real status: for a swap too, whose
            # meter was silent (Faulted) until the new one answered.
            assert notice["payload"]["status"] == "Charging", notice
            # The connector's real status follows.
            system.wait_for_call("StatusNotification", after=system.events.index(notice) + 1, connectorId=1,
                                 errorCode="NoError", status="Charging")
        # The readings go on from where the register stood, and climb.
        after = billing.wait_for(lambda e: e["event"] == "call" and e["action"] == "MeterValues"
                                 and energy(e["payload"]) and energy(e["payload"])[0] > before + 1, 30, marks["billing"])
        assert energy(after["payload"])[0] < before + 1000
        wait_until(lambda: logs_mention(agent, reason), 10, "the %s in the agent's log" % reason)
        assert billing.send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        for name, system in three.items():
            stop = system.wait_for_call("StopTransaction")["payload"]
            assert stop["meterStop"] >= before
            ledger = Ledger(system)
            assert ledger.problems() == [], name
            registers = [reading for _, payload in ledger.meters[stop["transactionId"]] for reading in energy(payload)]
            assert registers == sorted(registers), (name, registers)
    finally:
        agent.terminate()
