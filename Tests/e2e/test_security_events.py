"""Security events end to end: each kept in the agent's security log and queued
durably for the operators it concerns (every operator for an event of the charger,
one operator for an event of its connection), delivered after reconnects and
restarts, once. The `ocpp` Central Systems check every message against the schemas."""
import pytest

from harness import Agent, CentralSystem, wait_until


@pytest.fixture
def two():
    systems = {"home": CentralSystem("home"), "billing": CentralSystem("billing", "--transaction-id-base", "500")}
    yield systems
    for system in systems.values():
        system.stop()


def operators(systems):
    return [(name, system.url, name) for name, system in systems.items()]


def events(system, event_type=None):
    return [c["payload"] for c in system.calls("SecurityEventNotification")
            if event_type is None or c["payload"]["type"] == event_type]


def distinct(payloads):
    return {(p["type"], p["timestamp"], p.get("techInfo")) for p in payloads}


def test_startup_reaches_every_operator_and_the_security_log(two):
    agent = Agent(operators(two)).start()
    try:
        for system in two.values():
            startup = system.wait_for_call("SecurityEventNotification", type="StartupOfTheDevice")["payload"]
            assert "chargeplex" in startup["techInfo"]
        log = wait_until(lambda: "StartupOfTheDevice" in agent.cli("security-log") and agent.cli("security-log"),
                         30, "the startup event in the security log")
        assert "StartupOfTheDevice to every operator" in log
        for system in two.values():
            assert system.invalid() == []
    finally:
        agent.terminate()


def test_events_wait_for_an_offline_operator_and_survive_a_kill_arriving_once(two):
    home, billing = two["home"], two["billing"]
    billing.go_offline()
    agent = Agent(operators(two)).start()
    try:
        home.wait_for_call("SecurityEventNotification", type="StartupOfTheDevice")
        # A second event while billing is still away: clearing the log.
        assert "SecurityLogWasCleared recorded" in agent.cli("security-log", "clear")
        home.wait_for_call("SecurityEventNotification", type="SecurityLogWasCleared")
        agent.kill()
        agent.start()
        wait_until(lambda: len(events(home, "StartupOfTheDevice")) == 2, 30, "home hears of the second startup")
        billing.come_back()
        wait_until(lambda: len(events(billing, "StartupOfTheDevice")) == 2 and events(billing, "SecurityLogWasCleared"),
                   60, "billing hears of all three events once it is back")
        wait_until(lambda: "queue 0" in (agent.cli("operators") or "")
                   and agent.cli("operators").count("queue 0") == 2, 30, "both queues empty")
        home.settle()
        billing.settle()
        for system in two.values():
            received = events(system)
            # Everything once: two startups and one clearing, in the order they happened.
            assert [p["type"] for p in received] == ["StartupOfTheDevice", "SecurityLogWasCleared", "StartupOfTheDevice"]
            assert len(distinct(received)) == 3
            assert system.invalid() == []
        log = agent.cli("security-log")
        assert log.index("SecurityLogWasCleared") < log.index("StartupOfTheDevice")
    finally:
        agent.terminate()
