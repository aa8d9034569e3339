"""The agent's log as journald gets it, against the real Central Systems: syslog
priorities and no timestamp of its own, one startup line, a line per
registration, every OCPP frame at debug level, reconnect failures folded
into a few lines, and no secret in the log or in a diagnostics report."""
import json
import re
import time

import pytest

from harness import Agent, CentralSystem, operator_list, stop_all, three_central_systems, wait_until
from test_maintenance import files  # noqa: F401  (the HTTP server fixture)

# The secrets an operator sends that must never be written down.
# 20 octets in hex, as the security whitepaper writes an AuthorizationKey.
AUTHORIZATION_KEY = "41754b65792d30662d686f6d652d373733317821"
FIRMWARE_PASSWORD = "FwPass-91aa"
DIAGNOSTICS_PASSWORD = "DiagPass-55bb"
PUSHED_PASSWORD = "pushed-pass-0123456789"
SECRETS = (AUTHORIZATION_KEY, FIRMWARE_PASSWORD, DIAGNOSTICS_PASSWORD, PUSHED_PASSWORD)

JOURNAL_LINE = re.compile(r"^<([0-7])>(.*)$")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def systems():
    systems = three_central_systems()
    yield systems
    stop_all(systems)


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def journal_lines(agent):
    """(priority, text) of every line of the agent's log; fails on a line without a priority."""
    lines = []
    for line in agent.logs().splitlines():
        match = JOURNAL_LINE.match(line)
        assert match, "a line without a syslog priority: %r" % line
        lines.append((int(match.group(1)), match.group(2)))
    return lines


def test_under_journald_lines_have_priorities_frames_are_logged_and_secrets_never(systems, files, tmp_path):
    www, base = files
    installer = tmp_path / "install-firmware"
    installer.write_text("#!/bin/sh\nexit 0\n")
    installer.chmod(0o755)
    agent = Agent(operator_list(systems), log_level="debug", extra='[firmware]\ninstaller = "%s"\n' % installer)
    agent.start(env=agent.journal_stream())
    home = systems["home"]
    try:
        for system in systems.values():
            system.wait_for_call("StatusNotification", connectorId=2)

        answer = home.send("ChangeConfiguration", {"key": "AuthorizationKey", "value": AUTHORIZATION_KEY})
        assert answer["payload"] == {"status": "Accepted"}
        pushed = {"version": 9, "operators": [
            {"name": name, "url": system.url, "role": role, "securityProfile": 0, "allowInsecure": True,
             "password": PUSHED_PASSWORD}
            for name, _, role in operator_list(systems) for system in [systems[name]]]}
        answer = home.send("DataTransfer", {"vendorId": "com.chargeplex", "messageId": "SetOperators",
                                            "data": json.dumps(pushed)})
        assert answer["payload"]["status"] == "Rejected"  # a password without security profile 1 or 2
        home.send("UpdateFirmware", {"location": "https://fw:%s@127.0.0.1:9/fw.bin" % FIRMWARE_PASSWORD,
                                     "retrieveDate": now(), "retries": 1})
        home.wait_for_call("FirmwareStatusNotification", status="DownloadFailed")
        home.send("GetDiagnostics", {"location": base.replace("http://", "http://diag:%s@" % DIAGNOSTICS_PASSWORD) + "/support/",
                                     "retries": 1})
        # The URL's user and password go as Basic authorization; the server here takes any.
        home.wait_for_call("DiagnosticsStatusNotification", status="Uploaded")
        mark = home.mark()
        answer = home.send("GetDiagnostics", {"location": base + "/support/", "startTime": "2020-01-01T00:00:00Z"})
        home.wait_for_call("DiagnosticsStatusNotification", status="Uploaded", after=mark)
        report = (www / ("uploaded-" + answer["payload"]["fileName"])).read_text()

        lines = journal_lines(agent)
        texts = [text for _, text in lines]
        assert not [text for text in texts if TIMESTAMP.match(text)], "the journal stamps lines itself"

        started = [text for text in texts if text.startswith("chargeplex running ")]
        assert len(started) == 1, started
        for fact in ("version=", "config=%s" % agent.config, "state=%s" % agent.state, "board=sim", "connectors=2",
                     "operators=3", "list=configuration"):
            assert fact in started[0], (fact, started[0])
        assert (6, started[0]) in lines

        for name, _, role in operator_list(systems):
            registered = [(p, t) for p, t in lines
                          if t.startswith("registered ") and " operator=%s " % name in t + " "]
            assert len(registered) == 1, (name, registered)
            assert registered[0][0] == 6 and "role=%s" % role in registered[0][1] and "interval=" in registered[0][1]
            # Every frame at debug: the BootNotification out, its answer in, for each operator.
            frames = [t for p, t in lines if p == 7 and " operator=%s " % name in t + " "]
            assert any(t.startswith('sent [2,') and '"BootNotification"' in t for t in frames), name
            assert any(t.startswith('received [3,') and '"Accepted"' in t for t in frames), name

        assert any(p == 7 and t.startswith('received [2,') and '"ChangeConfiguration"' in t
                   and '"value":"<redacted>"' in t for p, t in lines)
        assert any(p == 7 and t.startswith('received [2,') and '"SetOperators"' in t
                   and r'\"password\":\"<redacted>\"' in t for p, t in lines)
        assert any(p == 7 and "fw:<redacted>@127.0.0.1:9/fw.bin" in t for p, t in lines)
        # The failed download is a warning or an error; the scheduled update names its location masked.
        assert any(p <= 4 and t.startswith("firmware download failed") for p, t in lines)
        assert any(p == 6 and t.startswith("firmware update scheduled") and "fw:<redacted>@" in t for p, t in lines)

        log = agent.logs()
        for secret in SECRETS:
            assert secret not in log, "%s in the log" % secret
            assert secret not in report, "%s in the diagnostics report" % secret
        # The report carries the log, frames and all, masked the same way.
        assert '"value":"<redacted>"' in report and "fw:<redacted>@" in report
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_reconnect_failures_are_folded_into_a_line_each_way(systems):
    """Three operators go away: each gets one warning however often the agent
    retries (every attempt is a trace line), and one line when it is back,
    counting the attempts that failed."""
    agent = Agent(operator_list(systems), log_level="trace").start()
    names = list(systems)
    try:
        for system in systems.values():
            system.wait_for_call("StatusNotification", connectorId=2)
        for system in systems.values():
            system.go_offline()

        def attempts(name, text):
            return [line for line in text.splitlines()
                    if " trace reconnecting " in line and " operator=%s " % name in line + " "]

        # Enough attempts that a warning per attempt would show.
        wait_until(lambda: all(len(attempts(name, agent.logs())) >= 3 for name in names), 90,
                   "three failed reconnect attempts per operator")
        for system in systems.values():
            system.come_back()
        # The backoff may have grown to half a minute and more by now.
        wait_until(lambda: all(len([l for l in agent.logs().splitlines() if " link back " in l
                                    and " operator=%s " % name in l + " "]) == 1 for name in names),
                   300, "one line per operator when it is back")

        log = agent.logs()
        for name in names:
            mine = [line for line in log.splitlines() if " operator=%s " % name in line + " "]
            down = [line for line in mine if " warning link down" in line]
            still = [line for line in mine if " warning link still down" in line]
            back = [line for line in mine if " notice link back " in line]
            failed = attempts(name, log)
            assert len(down) == 1, down
            assert len(failed) >= 3
            # Lines while down: the first, then one a minute at most (the log's own clock).
            assert len(down) + len(still) < len(failed)
            assert len(back) == 1 and "failedAttempts=%d " % len(failed) in back[0] + " ", (back, len(failed))
            assert len([line for line in mine if " info registered " in line]) == 2
    finally:
        agent.terminate()


def test_a_refused_registration_is_one_warning_and_retried_on_the_same_connection_after_its_interval():
    # Rejected with interval 1: the next BootNotification comes after that interval, on the
    # same connection (OCPP 1.6, 4.2), not through a reconnect.
    billing = CentralSystem("billing", "--boot-status", "Rejected", "--heartbeat-interval", "1")
    agent = Agent([("billing", billing.url, "billing")]).start()
    try:
        wait_until(lambda: len(billing.calls("BootNotification")) >= 3, 60, "three BootNotifications")
        lines = agent.logs().splitlines()
        refused = [line for line in lines if " warning registration not accepted" in line]
        assert len(refused) == 1, refused
        assert "operator=billing" in refused[0] and "status=Rejected" in refused[0] and "role=billing" in refused[0]
        assert "retryIn=\"1 s\"" in refused[0] or "retryIn=1 s" in refused[0], refused[0]
        assert not [line for line in lines if " link down" in line]
        assert not [line for line in lines if " registered " in line]
        connections = [event for event in billing.events if event.get("event") == "connected"]
        assert len(connections) == 1, connections
        # Nothing but BootNotification while not accepted.
        assert {call["action"] for call in billing.calls()} == {"BootNotification"}
    finally:
        agent.terminate()
        billing.stop()
