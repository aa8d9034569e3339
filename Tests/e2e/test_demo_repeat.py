"""The demo session (scripts/demo_session.py) over and over: every time, every
operator gets its StartTransaction, MeterValues and StopTransaction with its
own transactionId.

One run of `scripts/demo` takes about 10 s, and most of it is waiting on
timers, not work: the first MeterValues comes one MeterValueSampleInterval
(2 s in the harness) after the start, on the next 1 s tick, and the agent's
SIGTERM shutdown waits its full 5 s drain limit after a session. So the
script runs once as it is, and the repeats play the same session (the same
function, step for step: plug, swipe, Authorize, Start, MeterValues, a limit
from the energy manager, its refused RemoteStop, status, the billing
operator's RemoteStop, Stop, unplug) on one agent with a 1 s sample interval.

CHARGEPLEX_DEMO_RUNS sets the number of repeats (50).
"""
import importlib.util
import os
import time

from harness import ROOT, env_number, stop_all, three_central_systems

RUNS = env_number("CHARGEPLEX_DEMO_RUNS", 50)


def load_demo():
    spec = importlib.util.spec_from_file_location("demo_session", os.path.join(ROOT, "scripts", "demo_session.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo = load_demo()


def quiet(_):
    pass


def test_the_demo_script_succeeds(capsys):
    assert demo.main() == 0
    told = capsys.readouterr().out
    assert told.count("<- StopTransaction") == 3, told
    assert "0 violations" in told


def test_the_demo_session_again_and_again():
    systems = three_central_systems()
    agent = demo.start_agent(systems, say=quiet, ocpp={"MeterValueSampleInterval": "1"})
    began = time.monotonic()
    try:
        seen = {name: set() for name in systems}
        for run in range(RUNS):
            card = "DEMO%04d" % run
            outcome = demo.play_session(agent, systems, card=card, say=quiet)
            where = "run %d of %d" % (run + 1, RUNS)
            assert outcome["limit"] == "Accepted", where
            assert outcome["refused_stop"] == "Rejected", where
            assert outcome["remote_stop"] == "Accepted", where
            assert "1: Charging" in outcome["status"], where
            for name, system in systems.items():
                transaction_id = outcome["ids"][name]
                starts = [c for c in system.calls("StartTransaction") if c["payload"]["idTag"] == card]
                stops = [c for c in system.calls("StopTransaction") if c["payload"]["transactionId"] == transaction_id]
                assert (len(starts), len(stops)) == (1, 1), "%s: %s got %d Starts and %d Stops" % (
                    where, name, len(starts), len(stops))
                assert transaction_id not in seen[name], "%s: %s reused transactionId %d" % (where, name, transaction_id)
                seen[name].add(transaction_id)
                assert outcome["starts"][name]["payload"]["connectorId"] == 1, where
                assert outcome["meter_values"][name]["payload"]["transactionId"] == transaction_id, where
                stop = outcome["stops"][name]["payload"]
                assert stop["reason"] == "Remote", where
                assert stop["meterStop"] >= outcome["starts"][name]["payload"]["meterStart"], where
            for system in systems.values():
                assert system.invalid() == [], "%s: %s" % (where, system.invalid())
        print("%d demo sessions in %.1f s" % (RUNS, time.monotonic() - began))
    finally:
        agent.terminate()
        stop_all(systems)
