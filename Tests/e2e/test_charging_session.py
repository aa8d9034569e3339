"""A charger toward one Central System (the `ocpp` library validates every
message against the official OCPP 1.6 schemas)."""

from harness import Agent


def start_agent(central, **options):
    agent = Agent([("home", central.url, "home")], **options).start()
    central.wait_for_call("BootNotification")
    central.wait_for_call("StatusNotification", connectorId=1)
    return agent


def test_full_session_with_meter_values_and_remote_stop(home):
    agent = start_agent(home)
    try:
        agent.sim("plug", 1)
        agent.sim("swipe", 1, "04A2B3C4")
        home.wait_for_call("Authorize", idTag="04A2B3C4")
        start = home.wait_for_call("StartTransaction", connectorId=1, idTag="04A2B3C4")
        home.wait_for_call("StatusNotification", connectorId=1, status="Charging")
        values = home.wait_for_call("MeterValues", transactionId=1)
        assert values["payload"]["meterValue"][0]["sampledValue"][0]["measurand"] == "Energy.Active.Import.Register"
        answer = home.send("RemoteStopTransaction", {"transactionId": 1})
        assert answer["payload"] == {"status": "Accepted"}
        stop = home.wait_for_call("StopTransaction", transactionId=1)
        assert stop["payload"]["reason"] == "Remote"
        assert stop["payload"]["meterStop"] >= start["payload"]["meterStart"]
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_remote_start_and_status(home):
    agent = start_agent(home)
    try:
        agent.sim("plug", 2)
        answer = home.send("RemoteStartTransaction", {"connectorId": 2, "idTag": "REMOTE1"})
        assert answer["payload"] == {"status": "Accepted"}
        home.wait_for_call("StartTransaction", connectorId=2, idTag="REMOTE1")
        status = agent.cli("status")
        assert "2: Charging" in status
        assert "home [home] AUTHORITY" in status
        assert home.invalid() == []
    finally:
        agent.terminate()


def test_malformed_calls_get_the_right_callerror(home):
    agent = start_agent(home)
    try:
        mark = home.mark()
        home.command(send="RemoteStopTransaction", payload={"transactionId": "x"}, validate=False)
        answer = home.wait_for(lambda e: e["event"] == "answer", after=mark)
        assert answer["error"]["code"] == "TypeConstraintViolation"
        mark = home.mark()
        home.command(send="Reset", payload={}, validate=False)
        answer = home.wait_for(lambda e: e["event"] == "answer", after=mark)
        assert answer["error"]["code"] == "OccurenceConstraintViolation"
        assert home.send("Heartbeat", {}, timeout=10).get("error", {}).get("code") == "NotSupported"
    finally:
        agent.terminate()


def test_sigterm_stops_the_transaction_with_reason_reboot_and_delivers_it_after_restart(home):
    agent = start_agent(home)
    agent.sim("plug", 1)
    agent.sim("swipe", 1, "CARD9")
    home.wait_for_call("StartTransaction", idTag="CARD9")
    home.command(ignore="StopTransaction", times=1)
    agent.terminate()
    assert agent.process.returncode == 0
    home.wait_for_call("StopTransaction", reason="Reboot")
    # Not answered: it must come again after the restart.
    mark = home.mark()
    agent.start()
    home.wait_for_call("StopTransaction", after=mark, reason="Reboot", transactionId=1)
    agent.terminate()
    assert home.invalid() == []


def test_power_loss_recovery_after_sigkill(home):
    agent = start_agent(home)
    agent.sim("plug", 1)
    agent.sim("swipe", 1, "CARD7")
    home.wait_for_call("StartTransaction", idTag="CARD7")
    home.wait_for_call("MeterValues", transactionId=1)
    agent.kill()
    reported = [
        int(sample["value"])
        for call in home.calls("MeterValues")
        for value in call["payload"]["meterValue"]
        for sample in value["sampledValue"]
        if sample.get("measurand", "Energy.Active.Import.Register") == "Energy.Active.Import.Register"
    ]
    assert reported
    mark = home.mark()
    agent.start()
    stop = home.wait_for_call("StopTransaction", after=mark, reason="PowerLoss", transactionId=1)
    # The register on disk is never behind a value the operator was told.
    assert stop["payload"]["meterStop"] >= max(reported)
    agent.terminate()
    assert home.invalid() == []


def test_reset_during_a_transaction_stops_it_and_the_agent_comes_back(home):
    agent = start_agent(home)
    agent.sim("plug", 1)
    agent.sim("swipe", 1, "RESET1")
    home.wait_for_call("StartTransaction", idTag="RESET1")
    assert home.send("Reset", {"type": "Hard"})["payload"] == {"status": "Accepted"}
    stop = home.wait_for_call("StopTransaction", transactionId=1)
    assert stop["payload"]["reason"] == "HardReset"
    # The agent ends its process for the restart; the service manager starts it again.
    assert agent.process.wait(timeout=30) == 0
    mark = home.mark()
    agent.start()
    home.wait_for_call("BootNotification", after=mark)
    assert home.calls("StopTransaction")[-1]["payload"]["transactionId"] == 1
    agent.terminate()
    assert home.invalid() == []
