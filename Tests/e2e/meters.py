"""Modbus meters for the end-to-end tests: the pymodbus meter peer
(Tests/peers/modbus_meter.py), the pin map that points the agent's simulated
board at it, and what the operators got from it."""
import json
import os
import sys

from harness import ROOT

sys.path.insert(0, os.path.join(ROOT, "Tests", "peers"))
from modbus_meter import OCMF, SDM630, Meter, MeterPeer  # noqa: E402,F401

# Everything a Modbus meter can give, as MeterValuesSampledData names it.
MEASURANDS = "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,Frequency"
ENERGY = "Energy.Active.Import.Register"


def write_pinmap(directory, peer, backend, unit=1, poll_ms=500, timeout_ms=200, retries=1, failures_before_fault=3):
    """A pin map whose [meter.1] is `peer` over Modbus `backend` ("tcp" or "rtu"); its path."""
    register_map = os.path.join(ROOT, "board", "meters", peer.meter.personality + ".toml")
    lines = ["[meter.1]", 'backend = "modbus-%s"' % backend, "map = %s" % json.dumps(register_map)]
    if backend == "rtu":
        lines += ["device = %s" % json.dumps(peer.rtu_link), "baud = 9600", 'parity = "none"', "stop_bits = 1"]
    else:
        lines += ['host = "127.0.0.1"', "port = %d" % peer.tcp_port]
    lines += ["unit = %d" % unit, "poll_ms = %d" % poll_ms, "timeout_ms = %d" % timeout_ms,
              "retries = %d" % retries, "failures_before_fault = %d" % failures_before_fault, ""]
    path = os.path.join(directory, "meters.toml")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def values(payload, measurand=ENERGY, phase=None, signed=False):
    """The sampledValues of a MeterValues (or of StopTransaction.transactionData) for
    `measurand` (and `phase`), plain or SignedData."""
    found = []
    for meter_value in payload.get("meterValue") or payload.get("transactionData") or []:
        for sample in meter_value["sampledValue"]:
            if sample.get("measurand", ENERGY) != measurand or sample.get("phase") != phase:
                continue
            if (sample.get("format") == "SignedData") != signed:
                continue
            found.append(sample)
    return found


def number(sample):
    """A plain sampledValue as a number in its base unit (Wh, W, A, V, Hz)."""
    value = float(sample["value"])
    return value * 1000 if sample.get("unit") in ("kWh", "kW") else value


def energy(payload):
    """The energy register readings of a MeterValues, in Wh."""
    return [number(sample) for sample in values(payload)]


def served(peer, value, key, phase=None, tolerance=0.06):
    """Whether the meter served `value` (in the OCPP unit) for `key` at some time."""
    for snapshot in list(peer.meter.served):
        had = snapshot[key] if phase is None else snapshot[key][phase]
        if key == "energyKWh":
            had *= 1000
        if abs(had - value) <= tolerance:
            return True
    return False


def signed_values(payload, context=None):
    """The SignedData strings of a MeterValues or StopTransaction (with `context`)."""
    return [sample["value"] for sample in values(payload, signed=True)
            if context is None or sample.get("context") == context]
