"""Frames a hostile Central System may send to a charge point: every CALL of
OCPP 1.6 it can receive, with boundary and random values in every field, and
frames that are not OCPP-J at all. Each frame says whether the charge point
owes it an answer: a CALL whose unique id it can read gets exactly one
(CALLRESULT or CALLERROR); anything else gets none.

Everything comes from one `random.Random`, so a seed replays a run.
"""
import json

INTEGERS = [-2**63, 2**63 - 1, -1, 0, 1, 2, 3, 2**31 - 1, 2**31, 2**32, 2**63, 2**64, -2**63 - 1]
DOUBLES = [1e308, -1e308, 0.1, -0.0, 1.5, 6.25, 5e-324, 1e12, -1e12, 1e-7]
NUMBERS = INTEGERS + DOUBLES
STRINGS = [
    "", "x", "Accepted", "Operative", "Inoperative", "Soft", "Hard", "A", "W", "é😀", "\u0000", "\n\t\"\\/",
    "2026-02-30T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
    "2020-01-01T00:00:00+23:59", "not a date", "http://127.0.0.1:1/x", "https://[::1]:99999/", "http://a@b/",
    "ftp://127.0.0.1/", "com.chargeplex", "SetOperators", "GetOperators", "HeartbeatInterval", "9" * 30,
]
DATES = ["2026-11-25T10:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z",
         "2099-01-01T00:00:00+14:00", "2020-02-29T23:59:60Z"]
KEYS = [
    "HeartbeatInterval", "MeterValueSampleInterval", "ClockAlignedDataInterval", "ConnectionTimeOut",
    "MinimumStatusDuration", "WebSocketPingInterval", "TransactionMessageAttempts", "TransactionMessageRetryInterval",
    "MeterValuesSampledData", "StopTxnSampledData", "AuthorizeRemoteTxRequests", "LocalAuthListEnabled",
    "AuthorizationKey", "SecurityProfile", "NumberOfConnectors", "ChargeProfileMaxStackLevel", "LightIntensity",
    "StopTransactionOnEVSideDisconnect", "Unknown.Key", "",
]
INTEGER_TEXTS = ["9223372036854775807", "9223372036854775808", "-9223372036854775809", "-1", "0", "2147483648",
                 "1e308", "-1e308", " 60 ", "60", "0x10", "", "true"]

# Actions a charge point receives, and some it does not (NotSupported) or nobody knows (NotImplemented).
INCOMING = [
    "CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache", "ClearChargingProfile",
    "DataTransfer", "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics", "GetLocalListVersion",
    "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList",
    "SetChargingProfile", "TriggerMessage", "UnlockConnector", "UpdateFirmware",
]
OTHER_ACTIONS = ["BootNotification", "Heartbeat", "StartTransaction", "MeterValues", "reset", "ExtendedTriggerMessage",
                 "InstallCertificate", "", "Ω" * 40]

#: The largest frame sent among the answered ones: below the charge point's 64 KiB message limit.
LARGEST_FRAME = 64_000


class Generator:
    def __init__(self, rng):
        self.rng = rng
        self.count = 0

    # -- values ------------------------------------------------------------

    def integer(self):
        r = self.rng
        return r.choice(INTEGERS) if r.random() < 0.6 else r.randint(-5, 100)

    def connector(self):
        return self.rng.choice([0, 1, 2, 3, -1, 2**31, -2**63, 2**63 - 1])

    def rate(self):
        r = self.rng
        return r.choice([0, 0.1, 6, 16.5, 32, 10000, 10000.1, 1e7, 1e12, -1, 2**31, 1e308])

    def date(self):
        return self.rng.choice(DATES)

    def huge(self):
        r = self.rng
        return r.choice("aZ9 ") * r.choice([1000, 20000, 60000]) if r.random() < 0.8 else "é" * 20000

    def garbage(self, depth=0):
        r = self.rng
        kind = r.randrange(9 if depth < 4 else 6)
        if kind == 0:
            return r.choice(NUMBERS)
        if kind == 1:
            return r.choice(STRINGS)
        if kind == 2:
            return None
        if kind == 3:
            return r.choice([True, False])
        if kind == 4:
            return self.huge() if r.random() < 0.1 else r.choice(STRINGS)
        if kind == 5:
            return r.choice([[], {}])
        if kind == 6:
            return [self.garbage(depth + 1) for _ in range(r.randint(0, 4))]
        if kind == 7:
            return {r.choice(STRINGS + KEYS): self.garbage(depth + 1) for _ in range(r.randint(0, 4))}
        return r.choice([[[[[[[]]]]]], {"a": {"b": {"c": [1, [2, [3]]]}}}])

    def profile(self, purpose=None):
        r = self.rng
        periods = [{"startPeriod": 0, "limit": self.rate()}]
        for _ in range(r.randint(0, 3)):
            periods.append({"startPeriod": r.choice([60, 3600, 2**31, 2**63 - 1, -1]), "limit": self.rate(),
                            "numberPhases": r.choice([1, 3, 0, 4, -1])})
        schedule = {"chargingRateUnit": r.choice(["A", "W"]), "chargingSchedulePeriod": periods}
        if r.random() < 0.6:
            schedule["duration"] = r.choice([0, 60, 86400, 2**31, 2**63 - 1, -1])
        if r.random() < 0.5:
            schedule["startSchedule"] = self.date()
        if r.random() < 0.3:
            schedule["minChargingRate"] = self.rate()
        profile = {
            "chargingProfileId": self.integer(), "stackLevel": r.choice([0, 1, 10, 11, -1, 2**63 - 1]),
            "chargingProfilePurpose": purpose or r.choice(["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"]),
            "chargingProfileKind": r.choice(["Absolute", "Recurring", "Relative"]),
            "chargingSchedule": schedule,
        }
        if r.random() < 0.4:
            profile["recurrencyKind"] = r.choice(["Daily", "Weekly"])
        if r.random() < 0.3:
            profile["transactionId"] = r.choice([300, 1, -1, 2**63 - 1])
        if r.random() < 0.3:
            profile["validFrom"], profile["validTo"] = self.date(), self.date()
        return profile

    def payload(self, action):
        """A payload the schema accepts, with boundary numbers where numbers go."""
        r = self.rng
        if action == "CancelReservation":
            return {"reservationId": self.integer()}
        if action == "ChangeAvailability":
            return {"connectorId": self.connector(), "type": r.choice(["Operative", "Inoperative"])}
        if action == "ChangeConfiguration":
            # The interval keys most often: their values are computed with.
            key = r.choice(KEYS + ["HeartbeatInterval", "MeterValueSampleInterval", "ClockAlignedDataInterval"] * 2)
            return {"key": key, "value": r.choice(INTEGER_TEXTS + ["true", "Energy.Active.Import.Register"])}
        if action in ("ClearCache", "GetLocalListVersion"):
            return {}
        if action == "ClearChargingProfile":
            fields = {"id": self.integer(), "connectorId": self.connector(), "stackLevel": self.integer(),
                      "chargingProfilePurpose": r.choice(["TxProfile", "TxDefaultProfile", "ChargePointMaxProfile"])}
            return {k: v for k, v in fields.items() if r.random() < 0.4}
        if action == "DataTransfer":
            vendor = r.choice(["com.chargeplex", "org.example", "x"])
            message = r.choice(["SetOperators", "GetOperators", "Other"])
            data = r.choice(['{"version":9223372036854775807,"operators":[]}', '{"version":-1}', '{"version":1e308}', "", "{"])
            return {"vendorId": vendor, "messageId": message, "data": data}
        if action == "GetCompositeSchedule":
            payload = {"connectorId": self.connector(), "duration": r.choice([0, 60, 86400, 2**31, 2**63 - 1, -1, -2**63])}
            if r.random() < 0.5:
                payload["chargingRateUnit"] = r.choice(["A", "W"])
            return payload
        if action == "GetConfiguration":
            return {"key": r.sample(KEYS, r.randint(0, 5))} if r.random() < 0.7 else {}
        if action == "GetDiagnostics":
            payload = {"location": r.choice(["http://127.0.0.1:1/", "ftp://127.0.0.1/", "http://[::1/", "x"])}
            for key in ("retries", "retryInterval"):
                if r.random() < 0.7:
                    payload[key] = r.choice([0, 1, 100, 101, 2**40, 2**31, 2**63 - 1, -1])
            if r.random() < 0.3:
                payload["startTime"], payload["stopTime"] = self.date(), self.date()
            return payload
        if action == "RemoteStartTransaction":
            payload = {"idTag": r.choice(["FUZZ", "", "X" * 20])}
            if r.random() < 0.6:
                payload["connectorId"] = self.connector()
            if r.random() < 0.4:
                payload["chargingProfile"] = self.profile("TxProfile")
            return payload
        if action == "RemoteStopTransaction":
            return {"transactionId": r.choice([300, 100, 200, 1, 0, -1, 2**63 - 1, -2**63])}
        if action == "ReserveNow":
            payload = {"connectorId": self.connector(), "expiryDate": self.date(), "idTag": "R",
                       "reservationId": self.integer()}
            if r.random() < 0.3:
                payload["parentIdTag"] = "P"
            return payload
        if action == "Reset":
            return {"type": r.choice(["Soft", "Hard"])}
        if action == "SendLocalList":
            entries = [{"idTag": "L%d" % i, "idTagInfo": {"status": "Accepted", "expiryDate": self.date()}}
                       for i in range(r.choice([0, 1, 3, 101]))]
            payload = {"listVersion": self.integer(), "updateType": r.choice(["Full", "Differential"])}
            if entries or r.random() < 0.5:
                payload["localAuthorizationList"] = entries
            return payload
        if action == "SetChargingProfile":
            return {"connectorId": self.connector(), "csChargingProfiles": self.profile()}
        if action == "TriggerMessage":
            payload = {"requestedMessage": r.choice([
                "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
                "MeterValues", "StatusNotification"])}
            if r.random() < 0.6:
                payload["connectorId"] = self.connector()
            return payload
        if action == "UnlockConnector":
            return {"connectorId": self.connector()}
        if action == "UpdateFirmware":
            payload = {"location": r.choice(["http://127.0.0.1:1/fw.bin", "x"]), "retrieveDate": self.date()}
            for key in ("retries", "retryInterval"):
                if r.random() < 0.7:
                    payload[key] = r.choice([0, 1, 100, 101, 2**40, 2**63 - 1, -1])
            return payload
        return {}

    def mutated(self, payload):
        """The payload with one to three values, anywhere in it, replaced by garbage; or a member
        dropped or added."""
        r = self.rng
        for _ in range(r.randint(1, 3)):
            slots = []

            def walk(node):
                items = node.items() if isinstance(node, dict) else enumerate(node)
                for key, value in list(items):
                    slots.append((node, key))
                    if isinstance(value, (dict, list)):
                        walk(value)
            walk(payload)
            choice = r.random()
            if choice < 0.15:
                payload[r.choice(STRINGS + KEYS)] = self.garbage()
            elif not slots:
                continue
            elif choice < 0.3:
                node, key = r.choice(slots)
                if isinstance(node, dict):
                    del node[key]
            else:
                node, key = r.choice(slots)
                node[key] = self.garbage()
        return payload

    # -- frames ------------------------------------------------------------

    def next_id(self):
        self.count += 1
        return "f%d" % self.count

    def call(self, message_id, action, payload):
        ascii_only = self.rng.random() < 0.5
        try:
            text = json.dumps([2, message_id, action, payload], ensure_ascii=ascii_only)
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps([2, message_id, action, payload])
        return text

    def frame(self):
        """(text, id the charge point must answer or None, action)."""
        r = self.rng
        while True:
            choice = r.random()
            message_id = self.next_id()
            if choice < 0.45:
                action = r.choice(INCOMING)
                text = self.call(message_id, action, self.payload(action))
            elif choice < 0.78:
                action = r.choice(INCOMING)
                text = self.call(message_id, action, self.mutated(self.payload(action)))
            elif choice < 0.83:
                action = r.choice(INCOMING + OTHER_ACTIONS)
                payload = self.garbage()
                text = self.call(message_id, action, payload if isinstance(payload, dict) else {"v": payload})
            elif choice < 0.87:
                action = r.choice(OTHER_ACTIONS)
                text = self.call(message_id, action, self.payload(r.choice(INCOMING)))
            else:
                return self.malformed(message_id)
            if len(text.encode("utf-8")) <= LARGEST_FRAME:
                return text, message_id, action

    def malformed(self, message_id):
        r = self.rng
        valid = json.dumps([2, message_id, "Reset", {"type": "Soft"}])
        answered = [
            json.dumps(["2", message_id, "Reset", {"type": "Soft"}]),
            "[2.0,%s,\"Reset\",{}]" % json.dumps(message_id),
            json.dumps([9, message_id, "Reset", {}]),
            json.dumps([-2**63, message_id, "Reset", {}]),
            json.dumps([2, message_id]),
            json.dumps([2, message_id, "Reset"]),
            json.dumps([2, message_id, "Reset", {}, {}]),
            json.dumps([2, message_id, 5, {}]),
            json.dumps([2, message_id, None, {}]),
            json.dumps([2, message_id, "Reset", []]),
            json.dumps([2, message_id, "Reset", None]),
            json.dumps([2, message_id, "Reset", "{}"]),
            "  \n" + valid + "\t ",
            # Read as an infinite number, then refused as the wrong type.
            '[2,%s,"Reset",{"type":1e99999}]' % json.dumps(message_id),
        ]
        unanswered = [
            valid[: r.randrange(len(valid) - 1)],
            valid + "]",
            valid + " x",
            valid.replace('"Soft"}', '"Soft",}'),
            "not json",
            "",
            "{}",
            json.dumps({"a": [2, message_id, "Reset", {}]}),
            json.dumps(message_id),
            "null",
            "[]",
            json.dumps([2]),
            json.dumps([2, 17, "Reset", {}]),
            json.dumps([2, None, "Reset", {}]),
            json.dumps([2, "", "Reset", {}]),
            json.dumps([2, message_id + "x" * (37 - len(message_id)), "Reset", {}]),
            json.dumps([3, message_id, {}]),
            json.dumps([3, message_id, {"status": "Accepted"}, {}]),
            json.dumps([3, message_id]),
            json.dumps([4, message_id, "GenericError", "x", {}]),
            json.dumps([4, message_id]),
            '[2,%s,"Reset",{"type":"\\ud800"}]' % json.dumps(message_id),
            '[2,%s,"Reset",{"type":"a\x01b"}]' % json.dumps(message_id),
            '[2,%s,"Reset",{"type":"Soft"' % json.dumps(message_id),
            '[2,%s,"Reset",%s]' % (json.dumps(message_id), "[" * 100 + "]" * 100),
            '[2,%s,"Reset",{"type":01}]' % json.dumps(message_id),
            '[2,%s,"Reset",{"type":NaN}]' % json.dumps(message_id),
            "[" * 10_000 + "]" * 10_000,
        ]
        choice = r.random()
        if choice < 0.1:
            # The longest ids answered: 36 characters, some of them two bytes long.
            longest = message_id + r.choice("xé") * (36 - len(message_id))
            return json.dumps([2, longest, "Reset", {"type": "Soft"}], ensure_ascii=False), longest, "Reset"
        if choice < 0.5:
            return r.choice(answered), message_id, None
        return r.choice(unanswered), None, None
