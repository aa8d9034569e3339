"""The external power limit (§14a EnWG) on the simulated board, with three real Central
Systems (billing and two data-control operators): the grid operator's control contact
caps the charge at once, every operator is told by a DataTransfer and sees the cap in its
GetCompositeSchedule, and the transaction never stops, not even under a limit of 0 W."""
import json
import os
import re
import tempfile

import pytest

from harness import Agent, CentralSystem, stop_all, wait_until

OPERATORS = (("billing", "billing", 100), ("grid", "data-control", 200), ("fleet", "data-control", 300))


@pytest.fixture
def systems():
    made = {name: CentralSystem(name, "--transaction-id-base", str(base)) for name, _, base in OPERATORS}
    yield made
    stop_all(made)


def start(systems, pinmap=None):
    roles = {name: role for name, role, _ in OPERATORS}
    agent = Agent([(name, system.url, roles[name]) for name, system in systems.items()], pinmap=pinmap).start()
    for system in systems.values():
        system.wait_for_call("BootNotification")
        system.wait_for_call("StatusNotification", connectorId=2)
    return agent


def charge(agent, systems):
    agent.sim("plug", 1)
    agent.sim("swipe", 1, "CARD14")
    for system in systems.values():
        system.wait_for_call("StartTransaction", idTag="CARD14", connectorId=1)
        system.wait_for_call("StatusNotification", connectorId=1, status="Charging")


def told(system, after):
    """The data of the next ExternalLimit DataTransfer `system` received after `after`."""
    call = system.wait_for(lambda e: e["event"] == "call" and e["action"] == "DataTransfer"
                           and e["payload"].get("vendorId") == "com.chargeplex"
                           and e["payload"].get("messageId") == "ExternalLimit", after=after)
    return json.loads(call["payload"]["data"])


def connector_limit(agent):
    """The current limit connector 1 is given, in A, as `chargeplex status` shows it (None: none)."""
    match = re.search(r"^  1: .*, limit ([0-9.]+) A", agent.status() or "", re.MULTILINE)
    return float(match.group(1)) if match else None


def composite_watts(system):
    answer = system.send("GetCompositeSchedule", {"connectorId": 1, "duration": 600, "chargingRateUnit": "W"})
    assert answer["payload"]["status"] == "Accepted", answer
    return [period["limit"] for period in answer["payload"]["chargingSchedule"]["chargingSchedulePeriod"]]


def never_stopped(agent, systems):
    for system in systems.values():
        assert system.calls("StopTransaction") == [], system.name
        assert system.invalid() == [], system.name
    assert "transaction 1 for CARD14" in agent.status()


def billing_sixteen_amperes(agent, systems):
    """The billing operator's 16 A default profile, in force before any external limit."""
    profile = {"connectorId": 0, "csChargingProfiles": {
        "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": {
            "startSchedule": "2020-01-01T00:00:00Z", "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]}}}
    assert systems["billing"].send("SetChargingProfile", profile)["payload"]["status"] == "Accepted"
    charge(agent, systems)
    wait_until(lambda: connector_limit(agent) == 16.0, 10, "the billing operator's 16 A applied")


def marks_of(systems):
    return {name: system.mark() for name, system in systems.items()}


def test_the_contact_caps_the_charge_tells_every_operator_and_ends_cleanly(systems):
    agent = start(systems)
    try:
        billing_sixteen_amperes(agent, systems)

        marks = marks_of(systems)
        agent.sim("limit", "on")
        # 4200 W over three phases at 230 V.
        wait_until(lambda: abs((connector_limit(agent) or 0) - 4200 / 690) < 0.01, 5, "the 4200 W cap applied")
        assert re.search(r"^external limit: 4200 W from the control contact since \d{4}-", agent.status(), re.MULTILINE)
        for name, system in systems.items():
            assert told(system, marks[name]) == {"active": True, "source": "contact", "limitW": 4200}, name
            assert composite_watts(system) == [4200], name
        assert "1: Charging" in agent.status()

        marks = marks_of(systems)
        agent.sim("limit", "off")
        wait_until(lambda: connector_limit(agent) == 16.0, 5, "the billing operator's 16 A restored")
        assert "external limit: none from the control contact" in agent.status()
        for name, system in systems.items():
            assert told(system, marks[name]) == {"active": False, "source": "contact"}, name
        # Each operator's own view again: billing its 16 A (11 040 W), the others the rated 32 A.
        assert composite_watts(systems["billing"]) == [11040]
        assert composite_watts(systems["grid"]) == [22080]
        never_stopped(agent, systems)
        assert "1: Charging" in agent.status()
    finally:
        agent.terminate()


def test_a_limit_of_zero_suspends_and_resumes_without_ending_the_transaction(systems):
    directory = tempfile.mkdtemp(prefix="chargeplex-e2e-pinmap-")
    pinmap = os.path.join(directory, "board.toml")
    with open(pinmap, "w") as f:
        f.write('[board]\nchip = "gpiochip0"\n\n[connector.1]\nrelay = 17\nplug = 22\n\n'
                '[limit]\ncontact = 16\ncontact_power_w = 0\n')
    agent = start(systems, pinmap=pinmap)
    try:
        charge(agent, systems)
        marks = marks_of(systems)
        agent.sim("limit", "on")
        for name, system in systems.items():
            system.wait_for_call("StatusNotification", after=marks[name], connectorId=1, status="SuspendedEVSE")
            assert told(system, marks[name]) == {"active": True, "source": "contact", "limitW": 0}, name
            assert composite_watts(system) == [0], name
        status = agent.status()
        assert "1: SuspendedEVSE" in status
        assert "external limit: 0 W from the control contact" in status and "(charging suspended)" in status

        marks = marks_of(systems)
        agent.sim("limit", "off")
        for name, system in systems.items():
            system.wait_for_call("StatusNotification", after=marks[name], connectorId=1, status="Charging")
            assert told(system, marks[name]) == {"active": False, "source": "contact"}, name
        never_stopped(agent, systems)
    finally:
        agent.terminate()
