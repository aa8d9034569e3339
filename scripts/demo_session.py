#!/usr/bin/env python3
"""A short charging session on the simulated board, with three local
Central Systems (billing, home, data-control), told as it happens.

Run through `bash scripts/demo`, which builds the agent first. The steps are
functions of their own so that Tests/e2e/test_demo_repeat.py plays the same
session many times over.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "e2e"))
from harness import Agent, operator_list, stop_all, three_central_systems  # noqa: E402


def say(text):
    print(text, flush=True)


def show(system, event, say=say):
    payload = json.dumps(event.get("payload", {}), separators=(",", ":"))
    if len(payload) > 150:
        payload = payload[:147] + "..."
    say("    %-8s <- %-20s %s" % (system.name, event["action"], payload))


def start_agent(systems, say=say, **options):
    """The agent with the three operators, once each has its BootNotification."""
    agent = Agent(operator_list(systems), connectors=2, **options)
    say("Chargeplex demo: one charger, three operators on 127.0.0.1")
    say("  billing (billing, the authority), home (home), energy (data-control)")
    say("  state and log: %s" % agent.state)
    agent.start()
    for system in systems.values():
        show(system, system.wait_for_call("BootNotification"), say)
    return agent


def limit_profile(amperes):
    return {"connectorId": 0, "csChargingProfiles": {
        "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": {
            "startSchedule": "2020-01-01T00:00:00Z", "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": amperes}]}}}


def play_session(agent, systems, card="04A2B3C4", connector=1, say=say):
    """One session from plug to unplug. Returns what each step brought:
    {"ids", "starts", "meter_values", "stops" (by operator name), "limit",
    "refused_stop", "status", "remote_stop"}."""
    billing, energy = systems["billing"], systems["energy"]
    marks = {name: system.mark() for name, system in systems.items()}
    outcome = {"starts": {}, "ids": {}, "meter_values": {}, "stops": {}}

    say("\n1. The driver plugs in and swipes card %s" % card)
    agent.sim("plug", connector)
    agent.sim("swipe", connector, card)
    show(billing, billing.wait_for_call("Authorize", after=marks["billing"], idTag=card), say)
    for name, system in systems.items():
        outcome["starts"][name] = system.wait_for_call("StartTransaction", after=marks[name], idTag=card)
        outcome["ids"][name] = system.transaction_id_for(card, after=marks[name])
        show(system, outcome["starts"][name], say)
    say("   each operator answered with its own transactionId: %s" % ", ".join(
        str(outcome["ids"][name]) for name in systems))

    say("\n2. Energy flows; each operator gets MeterValues with its own id")
    for name, system in systems.items():
        outcome["meter_values"][name] = system.wait_for_call(
            "MeterValues", after=marks[name], transactionId=outcome["ids"][name])
        show(system, outcome["meter_values"][name], say)

    say("\n3. The energy manager limits the charger to 6 A")
    answer = energy.send("SetChargingProfile", limit_profile(6))
    outcome["limit"] = answer["payload"]["status"]
    say("    energy   -> SetChargingProfile 6 A: %s" % outcome["limit"])

    say("\n4. The energy manager tries to stop the charge: refused on the charger")
    answer = energy.send("RemoteStopTransaction", {"transactionId": outcome["ids"]["energy"]})
    outcome["refused_stop"] = answer["payload"]["status"]
    say("    energy   -> RemoteStopTransaction %d: %s" % (outcome["ids"]["energy"], outcome["refused_stop"]))

    say("\n5. `chargeplex status` on the charger:")
    outcome["status"] = agent.cli("status")
    for line in outcome["status"].splitlines():
        say("    " + line)

    say("\n6. The billing operator stops the session")
    answer = billing.send("RemoteStopTransaction", {"transactionId": outcome["ids"]["billing"]})
    outcome["remote_stop"] = answer["payload"]["status"]
    say("    billing  -> RemoteStopTransaction %d: %s" % (outcome["ids"]["billing"], outcome["remote_stop"]))
    for name, system in systems.items():
        outcome["stops"][name] = system.wait_for_call(
            "StopTransaction", after=marks[name], transactionId=outcome["ids"][name])
        show(system, outcome["stops"][name], say)

    say("\n7. The driver unplugs")
    marks = {name: system.mark() for name, system in systems.items()}
    agent.sim("unplug", connector)
    for name, system in systems.items():
        show(system, system.wait_for_call(
            "StatusNotification", after=marks[name], connectorId=connector, status="Available"), say)
    return outcome


def main():
    systems = three_central_systems()
    agent = None
    try:
        agent = start_agent(systems)
        play_session(agent, systems)
        violations = sum(len(system.invalid()) for system in systems.values())
        say("\nEvery message was checked against the official OCPP 1.6 schemas by the `ocpp` library: %d violations." % violations)
        return 1 if violations else 0
    finally:
        if agent:
            agent.terminate()
        stop_all(systems)


if __name__ == "__main__":
    sys.exit(main())
