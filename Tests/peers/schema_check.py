#!/usr/bin/env python3
"""Checks Chargeplex's OCPP 1.6 payloads against the official JSON schemas
that the PyPI package `ocpp` ships.

    schema_check.py samples OUTDIR   write schema-valid samples of every payload
    schema_check.py validate DIR     validate every DIR/<Schema>.<n>.json file

Samples are built from the schemas themselves: one with only the required
fields, and then as many fully-filled ones as it takes to use every enum
value of the payload at least once. `validate` parses numbers as Decimal,
as the ocpp library does, so that multipleOf 0.1 is judged exactly.
"""
import decimal
import json
import os
import sys

import jsonschema
import ocpp

SCHEMA_DIR = os.path.join(os.path.dirname(ocpp.__file__), "v16", "schemas")

ACTIONS = """Authorize BootNotification ChangeAvailability ChangeConfiguration
ClearCache DataTransfer GetConfiguration Heartbeat MeterValues
RemoteStartTransaction RemoteStopTransaction Reset StartTransaction
StatusNotification StopTransaction UnlockConnector GetDiagnostics
DiagnosticsStatusNotification FirmwareStatusNotification UpdateFirmware
GetLocalListVersion SendLocalList CancelReservation ReserveNow
ClearChargingProfile GetCompositeSchedule SetChargingProfile
TriggerMessage CertificateSigned DeleteCertificate ExtendedTriggerMessage
GetInstalledCertificateIds GetLog InstallCertificate LogStatusNotification
SecurityEventNotification SignCertificate SignedFirmwareStatusNotification
SignedUpdateFirmware""".split()


def load_schema(name):
    with open(os.path.join(SCHEMA_DIR, name + ".json"), encoding="utf-8-sig") as f:
        return json.loads(f.read(), parse_float=decimal.Decimal)


def inline_refs(schema, root=None):
    """The schema with every local `$ref` (the security extension's schemas
    use `#/definitions/...`) replaced by what it names, for sampling."""
    root = schema if root is None else root
    if isinstance(schema, dict):
        if "$ref" in schema:
            target = root
            for part in schema["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return inline_refs(target, root)
        return {key: inline_refs(value, root) for key, value in schema.items() if key != "definitions"}
    if isinstance(schema, list):
        return [inline_refs(value, root) for value in schema]
    return schema


def widest_enum(schema):
    """The largest number of values of any enum in the schema."""
    best = 1
    if isinstance(schema, dict):
        if "enum" in schema:
            best = len(schema["enum"])
        for value in schema.values():
            best = max(best, widest_enum(value))
    elif isinstance(schema, list):
        for value in schema:
            best = max(best, widest_enum(value))
    return best


def sample(schema, variant, full, name="x"):
    """A value valid against `schema`; `variant` picks enum values and
    varies numbers, `full` fills optional members too."""
    kind = schema.get("type")
    if "enum" in schema:
        values = schema["enum"]
        return values[variant % len(values)]
    if kind == "object":
        required = set(schema.get("required", []))
        result = {}
        for key, sub in schema.get("properties", {}).items():
            if full or key in required:
                result[key] = sample(sub, variant, full, key)
        return result
    if kind == "array":
        count = 2 if full else 1
        return [sample(schema["items"], variant + i, full, name) for i in range(count)]
    if kind == "string":
        if schema.get("format") == "date-time":
            return "2026-11-%02dT%02d:15:30.%03dZ" % (1 + variant % 28, variant % 24, (variant * 37) % 1000)
        if schema.get("format") == "uri":
            return "ftp://diagnostics.example.com/upload/%d" % variant
        limit = schema.get("maxLength", 40)
        text = "%s-%d" % (name, variant)
        if full and limit:
            text = (text + "-" + "abcdefghijklmnopqrstuvwxyz" * 20)[:limit]
        return text[:limit] if limit else text
    if kind == "integer":
        return 1 + variant * 7
    if kind == "number":
        return decimal.Decimal(16 + variant) + decimal.Decimal("0.1") * (variant % 10)
    if kind == "boolean":
        return variant % 2 == 0
    raise ValueError("unhandled schema %r" % schema)


class DecimalEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return float(o)
        return super().default(o)


def write_samples(outdir):
    os.makedirs(outdir, exist_ok=True)
    written = 0
    for action in ACTIONS:
        for name in (action, action + "Response"):
            schema = load_schema(name)
            inlined = inline_refs(schema)
            instances = [sample(inlined, 0, False)]
            instances += [sample(inlined, v, True) for v in range(widest_enum(inlined))]
            validator = jsonschema.Draft4Validator(schema)
            for n, instance in enumerate(instances):
                validator.validate(instance)  # the generator must itself be right
                with open(os.path.join(outdir, "%s.%d.json" % (name, n)), "w") as f:
                    json.dump(instance, f, cls=DecimalEncoder)
                written += 1
    print("wrote %d samples" % written)


def validate(directory):
    violations = 0
    checked = 0
    for file in sorted(os.listdir(directory)):
        if not file.endswith(".json"):
            continue
        name = file.split(".")[0]
        schema = load_schema(name)
        with open(os.path.join(directory, file)) as f:
            instance = json.loads(f.read(), parse_float=decimal.Decimal)
        checked += 1
        for error in jsonschema.Draft4Validator(schema).iter_errors(instance):
            violations += 1
            field = ".".join(str(p) for p in error.absolute_path) or "(payload)"
            print("VIOLATION %s field %s: %s" % (file, field, error.message))
    print("checked %d payloads, %d violations" % (checked, violations))
    return 1 if violations or not checked else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("samples", "validate"):
        print(__doc__)
        sys.exit(2)
    if sys.argv[1] == "samples":
        write_samples(sys.argv[2])
    else:
        sys.exit(validate(sys.argv[2]))
