"""Three Central Systems at once: billing, home and data-control, each a
real `ocpp` library Central System validating every message against the
official OCPP 1.6 schemas. The rule book is ../shared/spec/operators.md."""
import json

import pytest

from harness import Agent, CentralSystem, free_port, operator_list, stop_all, three_central_systems


@pytest.fixture
def three():
    systems = three_central_systems()
    yield systems
    stop_all(systems)


def start(systems, **options):
    agent = Agent(operator_list(systems), **options).start()
    for system in systems.values():
        system.wait_for_call("BootNotification")
        system.wait_for_call("StatusNotification", connectorId=2)
    return agent


def charge(agent, systems, card="CARD1", connector=1):
    agent.sim("plug", connector)
    agent.sim("swipe", connector, card)
    for system in systems.values():
        system.wait_for_call("StartTransaction", idTag=card, connectorId=connector)


def no_schema_violations(systems):
    for system in systems.values():
        assert system.invalid() == [], system.name


def test_every_operator_gets_the_session_with_its_own_transaction_id(three):
    agent = start(three)
    try:
        charge(agent, three)
        # Authorize goes to the authority only.
        three["billing"].wait_for_call("Authorize", idTag="CARD1")
        assert three["home"].calls("Authorize") == [] and three["energy"].calls("Authorize") == []
        for base, system in ((100, three["billing"]), (200, three["home"]), (300, three["energy"])):
            system.wait_for_call("MeterValues", transactionId=base)
        assert three["billing"].send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        for base, system in ((100, three["billing"]), (200, three["home"]), (300, three["energy"])):
            stop = system.wait_for_call("StopTransaction", transactionId=base)
            assert stop["payload"]["reason"] == "Remote"
        no_schema_violations(three)
    finally:
        agent.terminate()


def test_data_control_can_never_end_the_charge(three):
    three["energy"].command(verdict="CARD2", status="Blocked")
    agent = start(three)
    try:
        charge(agent, three, "CARD2")
        energy = three["energy"]
        assert energy.send("RemoteStopTransaction", {"transactionId": 300})["payload"]["status"] == "Rejected"
        assert energy.send("UnlockConnector", {"connectorId": 1})["payload"]["status"] == "UnlockFailed"
        assert energy.send("Reset", {"type": "Hard"})["payload"]["status"] == "Rejected"
        assert energy.send("ChangeConfiguration", {"key": "AuthorizeRemoteTxRequests", "value": "false"})["payload"]["status"] == "Rejected"
        reserve = {"connectorId": 2, "expiryDate": "2099-01-01T00:00:00Z", "idTag": "X", "reservationId": 1}
        assert energy.send("ReserveNow", reserve)["payload"]["status"] == "Rejected"
        assert energy.send("RemoteStartTransaction", {"connectorId": 2, "idTag": "X"})["payload"]["status"] == "Rejected"
        # Its own per-connection keys are its own.
        assert energy.send("ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "1"})["payload"]["status"] == "Accepted"
        # The charge runs on: more meter values, no stop anywhere.
        mark = three["billing"].mark()
        three["billing"].wait_for_call("MeterValues", after=mark, transactionId=100)
        assert "1: Charging" in agent.cli("status")
        for system in three.values():
            assert system.calls("StopTransaction") == []
        no_schema_violations(three)
    finally:
        agent.terminate()


def test_the_billing_operators_remote_start_and_stop_are_obeyed(three):
    agent = start(three)
    try:
        agent.sim("plug", 2)
        billing = three["billing"]
        assert billing.send("RemoteStartTransaction", {"connectorId": 2, "idTag": "REMOTE"})["payload"]["status"] == "Accepted"
        for system in three.values():
            system.wait_for_call("StartTransaction", connectorId=2, idTag="REMOTE")
        assert billing.send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        three["home"].wait_for_call("StopTransaction", transactionId=200, reason="Remote")
        no_schema_violations(three)
    finally:
        agent.terminate()


def test_billing_offline_for_a_whole_session_catches_up_in_order():
    port = free_port()
    billing = CentralSystem("billing", "--port", str(port), "--transaction-id-base", "100")
    home = CentralSystem("home", "--transaction-id-base", "200")
    agent = Agent([("billing", billing.url, "billing"), ("home", home.url, "home")],
                  ocpp={"AllowOfflineTxForUnknownId": "true"}).start()
    try:
        billing.wait_for_call("BootNotification")
        billing.stop()
        home.wait_for_call("StatusNotification", connectorId=2)
        charge(agent, {"home": home}, "OFFLINE1")
        home.wait_for_call("MeterValues", transactionId=200)
        agent.sim("unplug", 1)
        home.wait_for_call("StopTransaction", transactionId=200, reason="EVDisconnected")
        # Back online on the same address: the whole session arrives, in order.
        billing = CentralSystem("billing", "--port", str(port), "--transaction-id-base", "100")
        stop = billing.wait_for_call("StopTransaction", timeout=60, transactionId=100)
        actions = [e["action"] for e in billing.calls() if e["action"] in ("StartTransaction", "MeterValues", "StopTransaction")]
        assert actions[0] == "StartTransaction" and actions[-1] == "StopTransaction"
        assert all(a == "MeterValues" for a in actions[1:-1]) and len(actions) >= 3
        assert all(e["payload"].get("transactionId") == 100 for e in billing.calls("MeterValues"))
        assert stop["payload"]["reason"] == "EVDisconnected"
        assert billing.invalid() == [] and home.invalid() == []
    finally:
        agent.terminate()
        billing.stop()
        home.stop()


def test_a_pushed_list_that_changes_billing_leaves_the_running_transaction_alone(three):
    newcomer = CentralSystem("billing2", "--transaction-id-base", "500")
    agent = start(three)
    try:
        charge(agent, three, "FIRST")
        pushed = {"version": 2, "operators": [
            {"name": "billing", "url": three["billing"].url, "role": "data-control", "allowInsecure": True},
            {"name": "home", "url": three["home"].url, "role": "home", "allowInsecure": True},
            {"name": "energy", "url": three["energy"].url, "role": "data-control", "allowInsecure": True},
            {"name": "billing2", "url": newcomer.url, "role": "billing", "allowInsecure": True},
        ]}
        bad = dict(pushed, operators=pushed["operators"] + [{"name": "x", "url": newcomer.url, "role": "billing", "allowInsecure": True}])
        refused = three["home"].send("DataTransfer", {"vendorId": "com.chargeplex", "messageId": "SetOperators", "data": json.dumps(bad)})
        assert refused["payload"]["status"] == "Rejected" and "billing" in refused["payload"]["data"]
        assert three["energy"].send("DataTransfer", {"vendorId": "com.chargeplex", "messageId": "SetOperators", "data": json.dumps(pushed)})["payload"]["status"] == "Rejected"
        accepted = three["home"].send("DataTransfer", {"vendorId": "com.chargeplex", "messageId": "SetOperators", "data": json.dumps(pushed)})
        assert accepted["payload"]["status"] == "Accepted"
        # The newcomer joins late and learns of the running transaction.
        newcomer.wait_for_call("BootNotification")
        newcomer.wait_for_call("StartTransaction", idTag="FIRST")
        assert "billing2 [billing] AUTHORITY" in agent.cli("operators")
        assert "pushed by home as version 2" in agent.cli("operators")
        # The running transaction stays with the authority that started it.
        assert newcomer.send("RemoteStopTransaction", {"transactionId": 500})["payload"]["status"] == "Rejected"
        assert three["billing"].send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        newcomer.wait_for_call("StopTransaction", transactionId=500)
        # The next one follows the new authority.
        agent.sim("swipe", 2, "SECOND")
        agent.sim("plug", 2)
        newcomer.wait_for_call("Authorize", idTag="SECOND")
        assert three["billing"].calls("Authorize") == [e for e in three["billing"].calls("Authorize") if e["payload"]["idTag"] != "SECOND"]
        no_schema_violations(three)
        assert newcomer.invalid() == []
    finally:
        agent.terminate()
        newcomer.stop()


def profile(limit, profile_id):
    return {"connectorId": 0, "csChargingProfiles": {
        "chargingProfileId": profile_id, "stackLevel": 0, "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute", "chargingSchedule": {
            "startSchedule": "2020-01-01T00:00:00Z", "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]}}}


def test_the_lowest_limit_of_all_operators_applies_and_zero_only_suspends(three):
    agent = start(three)
    try:
        assert three["billing"].send("SetChargingProfile", profile(16, 1))["payload"]["status"] == "Accepted"
        assert three["energy"].send("SetChargingProfile", profile(6, 1))["payload"]["status"] == "Accepted"
        charge(agent, three, "LIMITED")
        assert "limit 6.0 A" in agent.cli("status")
        mark = three["billing"].mark()
        assert three["energy"].send("SetChargingProfile", profile(0, 2))["payload"]["status"] == "Accepted"
        three["billing"].wait_for_call("StatusNotification", after=mark, connectorId=1, status="SuspendedEVSE")
        assert "1: SuspendedEVSE" in agent.cli("status")
        for system in three.values():
            assert system.calls("StopTransaction") == []
        composite = three["energy"].send("GetCompositeSchedule", {"connectorId": 1, "duration": 60, "chargingRateUnit": "A"})
        assert composite["payload"]["status"] == "Accepted"
        no_schema_violations(three)
    finally:
        agent.terminate()


def test_each_operator_gets_the_transaction_data_its_own_keys_ask_for(three):
    agent = start(three)
    try:
        answer = three["energy"].send("ChangeConfiguration", {"key": "StopTxnSampledData", "value": "Energy.Active.Import.Register"})
        assert answer["payload"] == {"status": "Accepted"}
        charge(agent, three, card="CARD9")
        assert three["billing"].send("RemoteStopTransaction", {"transactionId": 100})["payload"]["status"] == "Accepted"
        stops = {name: system.wait_for_call("StopTransaction")["payload"] for name, system in three.items()}
        assert "transactionData" not in stops["billing"] and "transactionData" not in stops["home"]
        data = stops["energy"]["transactionData"]
        assert [value["sampledValue"][0]["context"] for value in data] == ["Transaction.Begin", "Transaction.End"]
        assert int(data[1]["sampledValue"][0]["value"]) == stops["energy"]["meterStop"]
        no_schema_violations(three)
    finally:
        agent.terminate()
