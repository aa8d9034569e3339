"""Security events end to end: each kept in the agent's security log and queued
durably for the operators it concerns (every operator for an event of the charger,
one operator for an event of its connection), delivered after reconnects and
restarts, once. The `ocpp` Central Systems check every message against the schemas."""
import pytest

from harness import Agent, CentralSystem, drained, wait_until
from test_maintenance import files  # noqa: F401 (the HTTP server GetDiagnostics uploads to)


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
        # Killed once home's answer is booked: a message killed in flight goes again
        # (at least once, as for transaction messages); one that was answered never does.
        wait_until(lambda: drained(agent, ["home"]), 30, "home's queue empty")
        agent.kill()
        agent.start()
        wait_until(lambda: len(events(home, "StartupOfTheDevice")) == 2, 30, "home hears of the second startup")
        billing.come_back()
        wait_until(lambda: len(events(billing, "StartupOfTheDevice")) == 2 and events(billing, "SecurityLogWasCleared"),
                   60, "billing hears of all three events once it is back")
        wait_until(lambda: drained(agent, ["home", "billing"]), 30, "both queues empty")
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


def test_a_connection_event_reaches_only_its_operator_once_it_connects(two):
    home, billing = two["home"], two["billing"]
    # billing wants a password the charger does not send: the upgrade is refused with 401.
    billing.go_offline()
    billing.arguments += ["--password", "a-password-of-sixteen"]
    billing.come_back()
    agent = Agent(operators(two)).start()
    try:
        billing.wait_for(lambda e: e["event"] == "refused" and e["status"] == 401)
        refused = wait_until(lambda: "FailedToAuthenticateAtCentralSystem" in agent.cli("security-log")
                             and agent.cli("security-log"), 30, "the refused login in the security log")
        assert "FailedToAuthenticateAtCentralSystem to billing: HTTP 401" in refused
        # Let billing in: the event waited in its queue.
        billing.go_offline()
        billing.arguments = billing.arguments[:-2]
        billing.come_back()
        failed = billing.wait_for_call("SecurityEventNotification", 60, type="FailedToAuthenticateAtCentralSystem")
        assert "401" in failed["payload"]["techInfo"]
        # A malformed CALL from home is an event for home only, however many come in a minute.
        for number in range(5):
            home.command(raw='[2,"bad-%d","Reset",{"type":"Sideways"}]' % number)
        invalid = home.wait_for_call("SecurityEventNotification", type="InvalidMessages")["payload"]
        assert "Reset" in invalid["techInfo"]
        home.settle()
        billing.settle()
        assert len(events(home, "InvalidMessages")) == 1
        assert events(billing, "InvalidMessages") == []
        assert events(home, "FailedToAuthenticateAtCentralSystem") == []
        assert len(events(billing, "FailedToAuthenticateAtCentralSystem")) == 1
        for system in two.values():
            assert system.invalid() == []
    finally:
        agent.terminate()


def test_get_log_uploads_the_security_log_and_reports_to_the_requester(two, files):  # noqa: F811
    www, base = files
    home, billing = two["home"], two["billing"]
    agent = Agent(operators(two)).start()
    try:
        home.wait_for_call("SecurityEventNotification", type="StartupOfTheDevice")
        billing.wait_for_call("SecurityEventNotification", type="StartupOfTheDevice")
        start = billing.mark()
        answer = billing.send("GetLog", {"logType": "SecurityLog", "requestId": 42, "retries": 1, "retryInterval": 1,
                                         "log": {"remoteLocation": base + "/logs/", "oldestTimestamp": "2020-01-01T00:00:00Z"}})
        assert answer["payload"]["status"] == "Accepted"
        name = answer["payload"]["filename"]
        assert name.startswith("chargeplex-securitylog-")
        billing.wait_for_call("LogStatusNotification", status="Uploaded", after=start)
        statuses = [(c["payload"]["status"], c["payload"].get("requestId")) for c in billing.calls("LogStatusNotification")]
        assert statuses == [("Uploading", 42), ("Uploaded", 42)]
        text = (www / ("uploaded-" + name)).read_text()
        assert "StartupOfTheDevice to every operator" in text
        # A refused upload: tried as often as asked (retries counts attempts here, as for
        # GetDiagnostics), then reported in the whitepaper's words.
        answer = home.send("GetLog", {"logType": "DiagnosticsLog", "requestId": 7, "retries": 2, "retryInterval": 1,
                                      "log": {"remoteLocation": base + "/refuse/"}})
        assert answer["payload"]["status"] == "Accepted"
        home.wait_for_call("LogStatusNotification", status="PermissionDenied")
        statuses = [(c["payload"]["status"], c["payload"].get("requestId")) for c in home.calls("LogStatusNotification")]
        assert statuses == [("Uploading", 7), ("Uploading", 7), ("PermissionDenied", 7)]
        # A location the charger cannot upload to.
        answer = home.send("GetLog", {"logType": "SecurityLog", "requestId": 8,
                                      "log": {"remoteLocation": "ftp://127.0.0.1/logs/"}})
        home.wait_for_call("LogStatusNotification", status="NotSupportedOperation", requestId=8)
        home.settle()
        billing.settle()
        # Each requester heard only of its own requests.
        assert {c["payload"].get("requestId") for c in billing.calls("LogStatusNotification")} == {42}
        assert {c["payload"].get("requestId") for c in home.calls("LogStatusNotification")} == {7, 8}
        for system in two.values():
            assert system.invalid() == []
    finally:
        agent.terminate()


def test_extended_trigger_message_answers_the_requester_only(two):
    home, billing = two["home"], two["billing"]
    agent = Agent(operators(two)).start()
    try:
        # Each operator has had the status of every connector once registered.
        for system in two.values():
            for connector in (0, 1, 2):
                system.wait_for_call("StatusNotification", connectorId=connector)
        home.settle()
        billing.settle()
        home_start, billing_start = home.mark(), billing.mark()
        for message, action in (("StatusNotification", "StatusNotification"), ("Heartbeat", "Heartbeat"),
                                ("BootNotification", "BootNotification"), ("MeterValues", "MeterValues"),
                                ("LogStatusNotification", "LogStatusNotification"),
                                ("FirmwareStatusNotification", "SignedFirmwareStatusNotification")):
            payload = {"requestedMessage": message}
            if message in ("StatusNotification", "MeterValues"):
                payload["connectorId"] = 1
            answer = home.send("ExtendedTriggerMessage", payload)
            assert answer["payload"] == {"status": "Accepted"}, message
            home.wait_for_call(action, after=home_start)
        assert home.wait_for_call("LogStatusNotification", after=home_start)["payload"] == {"status": "Idle"}
        assert home.wait_for_call("SignedFirmwareStatusNotification", after=home_start)["payload"] == {"status": "Idle"}
        answer = home.send("ExtendedTriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 9})
        assert answer["payload"] == {"status": "Rejected"}
        # A renewal of home's own client certificate: its SignCertificate goes to home alone.
        answer = home.send("ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"})
        assert answer["payload"] == {"status": "Accepted"}
        home.wait_for_call("SignCertificate", after=home_start)
        home.settle()
        billing.settle()
        with billing.lock:
            later = [e["action"] for e in billing.events[billing_start:] if e["event"] == "call"]
        assert not set(later) & {"StatusNotification", "BootNotification", "MeterValues", "LogStatusNotification",
                                 "SignedFirmwareStatusNotification", "SignCertificate"}
        for system in two.values():
            assert system.invalid() == []
    finally:
        agent.terminate()


def test_the_tamper_switch_of_the_simulated_board_reaches_every_operator(two):
    agent = Agent(operators(two)).start()
    try:
        for system in two.values():
            system.wait_for_call("SecurityEventNotification", type="StartupOfTheDevice")
        assert agent.sim("tamper", "on") == "ok\n"
        for system in two.values():
            tamper = system.wait_for_call("SecurityEventNotification", type="TamperDetectionActivated")["payload"]
            assert "tamper switch" in tamper["techInfo"]
        assert agent.sim("tamper", "off") == "ok\n"
        assert "TamperDetectionActivated to every operator" in agent.cli("security-log")
        refused = agent.cli("sim", "tamper", "1")
        assert "tamper takes no connector" in refused
        for system in two.values():
            system.settle()
            assert len(events(system, "TamperDetectionActivated")) == 1
            assert system.invalid() == []
    finally:
        agent.terminate()
