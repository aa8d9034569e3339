"""The external power limit from a local energy manager on the simulated board: pymodbus's
own client writes holding register 0 of the agent's Modbus/TCP server (`[limit]
energy_manager` in the pin map), with three real Central Systems (billing and two
data-control operators). Every operator is told by a DataTransfer, the connector's
current follows at once, 0 W suspends without stopping, 65535 ends the limit, and with
the grid operator's contact the lower of the two wins."""
import json
import os
import re
import tempfile

import pytest
from pymodbus.client import ModbusTcpClient

from harness import free_port, stop_all, wait_until
from test_external_limit import (CentralSystem, OPERATORS, billing_sixteen_amperes, composite_watts,
                                 connector_limit, marks_of,
                                 never_stopped, start, told)

UNIT = 3
PHASES_TIMES_VOLTS = 3 * 230


@pytest.fixture
def systems():
    made = {name: CentralSystem(name, "--transaction-id-base", str(base)) for name, _, base in OPERATORS}
    yield made
    stop_all(made)


def pinmap_with(port, extra=""):
    directory = tempfile.mkdtemp(prefix="chargeplex-e2e-pinmap-")
    path = os.path.join(directory, "board.toml")
    with open(path, "w") as f:
        f.write('[limit]\nenergy_manager = "127.0.0.1:%d"\nenergy_manager_unit = %d\n%s' % (port, UNIT, extra))
    return path


def energy_manager(port):
    """pymodbus's client, connected once the agent listens."""
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=3, retries=0)
    wait_until(client.connect, 10, "the agent's energy manager server listens")
    return client


def write(client, watts):
    answer = client.write_register(0, watts, device_id=UNIT)
    assert not answer.isError(), answer


def in_force(client):
    answer = client.read_input_registers(0, count=1, device_id=UNIT)
    assert not answer.isError(), answer
    return answer.registers[0]


def limited_to(agent, watts):
    return lambda: abs((connector_limit(agent) or 0) - watts / PHASES_TIMES_VOLTS) < 0.01


def test_the_energy_manager_caps_suspends_and_ends_telling_every_operator(systems):
    port = free_port()
    agent = start(systems, pinmap=pinmap_with(port))
    client = energy_manager(port)
    try:
        assert "external limit: none from the energy manager" in agent.status()
        billing_sixteen_amperes(agent, systems)

        marks = marks_of(systems)
        write(client, 4200)
        wait_until(limited_to(agent, 4200), 5, "the 4200 W cap applied")
        assert re.search(r"^external limit: 4200 W from the energy manager since \d{4}-", agent.status(), re.MULTILINE)
        for name, system in systems.items():
            assert told(system, marks[name]) == {"active": True, "source": "energy-manager", "limitW": 4200}, name
            assert composite_watts(system) == [4200], name
        assert in_force(client) == 4200
        assert "1: Charging" in agent.status()

        marks = marks_of(systems)
        write(client, 0)
        for name, system in systems.items():
            system.wait_for_call("StatusNotification", after=marks[name], connectorId=1, status="SuspendedEVSE")
            assert told(system, marks[name]) == {"active": True, "source": "energy-manager", "limitW": 0}, name
        assert "external limit: 0 W from the energy manager" in agent.status()

        marks = marks_of(systems)
        write(client, 65535)
        for name, system in systems.items():
            system.wait_for_call("StatusNotification", after=marks[name], connectorId=1, status="Charging")
            assert told(system, marks[name]) == {"active": False, "source": "energy-manager"}, name
        wait_until(lambda: connector_limit(agent) == 16.0, 5, "the billing operator's 16 A again")
        assert "external limit: none from the energy manager" in agent.status()
        assert in_force(client) == 65535
        never_stopped(agent, systems)
    finally:
        client.close()
        agent.terminate()


def test_with_the_contact_the_lower_limit_wins(systems):
    port = free_port()
    agent = start(systems, pinmap=pinmap_with(port, "contact_power_w = 3700\n"))
    client = energy_manager(port)
    try:
        billing_sixteen_amperes(agent, systems)
        write(client, 5000)
        wait_until(limited_to(agent, 5000), 5, "the energy manager's 5000 W")

        marks = marks_of(systems)
        agent.sim("limit", "on")
        wait_until(limited_to(agent, 3700), 5, "the contact's lower 3700 W")
        for name, system in systems.items():
            assert told(system, marks[name]) == {"active": True, "source": "contact", "limitW": 3700}, name
            assert composite_watts(system) == [3700], name
        assert in_force(client) == 3700

        write(client, 2000)
        wait_until(limited_to(agent, 2000), 5, "the energy manager's lower 2000 W")
        agent.sim("limit", "off")
        wait_until(lambda: "external limit: none from the control contact" in agent.status(), 5, "the contact opened")
        assert limited_to(agent, 2000)(), agent.status()
        assert in_force(client) == 2000

        write(client, 65535)
        wait_until(lambda: connector_limit(agent) == 16.0, 5, "no external limit left")
        never_stopped(agent, systems)
    finally:
        client.close()
        agent.terminate()


def test_a_silent_energy_manager_loses_its_limit_after_its_timeout(systems):
    port = free_port()
    agent = start(systems, pinmap=pinmap_with(port, "energy_manager_timeout_s = 2\n"))
    client = energy_manager(port)
    try:
        billing_sixteen_amperes(agent, systems)
        marks = marks_of(systems)
        write(client, 4200)
        wait_until(limited_to(agent, 4200), 5, "the 4200 W cap applied")
        for name, system in systems.items():
            system.wait_for(lambda e: e["event"] == "call" and e["action"] == "DataTransfer"
                            and e["payload"].get("messageId") == "ExternalLimit"
                            and json.loads(e["payload"]["data"]) == {"active": False, "source": "energy-manager"},
                            after=marks[name])
        wait_until(lambda: connector_limit(agent) == 16.0, 10, "the billing operator's 16 A after the time-out")
        assert "external limit: none from the energy manager" in agent.status()
        assert "no write for 2 s" in agent.logs()
        never_stopped(agent, systems)
    finally:
        client.close()
        agent.terminate()
