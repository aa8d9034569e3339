#!/usr/bin/env python3
"""A short charging session on the simulated board, with three local
Central Systems (billing, home, data-control), told as it happens.

Run through `bash scripts/demo`, which builds the agent first.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "e2e"))
from harness import Agent, CentralSystem  # noqa: E402


def say(text):
    print(text, flush=True)


def show(system, event):
    payload = json.dumps(event.get("payload", {}), separators=(",", ":"))
    if len(payload) > 150:
        payload = payload[:147] + "..."
    say("    %-8s <- %-20s %s" % (system.name, event["action"], payload))


def main():
    systems = [CentralSystem("billing", "--transaction-id-base", "100"),
               CentralSystem("home", "--transaction-id-base", "200"),
               CentralSystem("energy", "--transaction-id-base", "300")]
    billing, home, energy = systems
    agent = Agent([("billing", billing.url, "billing"), ("home", home.url, "home"),
                   ("energy", energy.url, "data-control")], connectors=2)
    say("Chargeplex demo: one charger, three operators on 127.0.0.1")
    say("  billing (billing, the authority), home (home), energy (data-control)")
    say("  state and log: %s" % agent.state)
    agent.start()
    try:
        for system in systems:
            show(system, system.wait_for_call("BootNotification"))
        say("\n1. The driver plugs in and swipes card 04A2B3C4")
        agent.sim("plug", 1)
        agent.sim("swipe", 1, "04A2B3C4")
        show(billing, billing.wait_for_call("Authorize", idTag="04A2B3C4"))
        for system in systems:
            show(system, system.wait_for_call("StartTransaction", idTag="04A2B3C4"))
        say("   each operator answered with its own transactionId: 100, 200, 300")

        say("\n2. Energy flows; each operator gets MeterValues with its own id")
        for system, base in ((billing, 100), (home, 200), (energy, 300)):
            show(system, system.wait_for_call("MeterValues", transactionId=base))

        say("\n3. The energy manager limits the charger to 6 A")
        answer = energy.send("SetChargingProfile", {"connectorId": 0, "csChargingProfiles": {
            "chargingProfileId": 1, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Absolute", "chargingSchedule": {
                "startSchedule": "2020-01-01T00:00:00Z", "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 6}]}}})
        say("    energy   -> SetChargingProfile 6 A: %s" % answer["payload"]["status"])

        say("\n4. The energy manager tries to stop the charge: refused on the charger")
        answer = energy.send("RemoteStopTransaction", {"transactionId": 300})
        say("    energy   -> RemoteStopTransaction 300: %s" % answer["payload"]["status"])

        say("\n5. `chargeplex status` on the charger:")
        for line in agent.cli("status").splitlines():
            say("    " + line)

        say("\n6. The billing operator stops the session")
        answer = billing.send("RemoteStopTransaction", {"transactionId": 100})
        say("    billing  -> RemoteStopTransaction 100: %s" % answer["payload"]["status"])
        for system, base in ((billing, 100), (home, 200), (energy, 300)):
            show(system, system.wait_for_call("StopTransaction", transactionId=base))

        violations = sum(len(system.invalid()) for system in systems)
        say("\nEvery message was checked against the official OCPP 1.6 schemas by the `ocpp` library: %d violations." % violations)
        return 1 if violations else 0
    finally:
        agent.terminate()
        for system in systems:
            system.stop()


if __name__ == "__main__":
    sys.exit(main())
