"""End-to-end harness: real Central Systems (the `ocpp` library, through
Tests/peers/central_system.py) and the real `chargeplex` binary on a
simulated board, all on 127.0.0.1.

Everything waits on events with a deadline; nothing sleeps to synchronize.
"""
import errno
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEER = os.path.join(ROOT, "Tests", "peers", "central_system.py")


def binary():
    path = os.environ.get("CHARGEPLEX_BINARY")
    if path:
        return path
    for configuration in ("release", "debug"):
        candidate = os.path.join(ROOT, ".build", configuration, "chargeplex")
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError("build chargeplex first (swift build --product chargeplex)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_number(name, default):
    """A bound of a test, from the environment when set there (int or float as `default`)."""
    value = os.environ.get(name)
    return type(default)(value) if value else default


def wait_until(condition, timeout, what):
    """Polls `condition` until it returns something true; fails with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("not within %ss: %s" % (timeout, what))
        time.sleep(0.05)


class CentralSystem:
    """A Central System process; its JSON-line events are collected as they come.

    `go_offline()` ends the server process and `come_back()` starts it again on the
    same port; the events of all its lives are in one list, and the transactionIds it
    handed out are kept across restarts (the peer's --ledger file).
    """

    def __init__(self, name, *arguments):
        self.name = name
        self.arguments = list(arguments)
        handle, self.ledger = tempfile.mkstemp(prefix="chargeplex-cs-%s-" % name, suffix=".jsonl")
        os.close(handle)
        self.events = []
        self.arrivals = queue.Queue()
        self.lock = threading.Lock()
        self.process = None
        self.port = None
        self._spawn()

    def _spawn(self):
        arguments = list(self.arguments)
        if self.port is not None and "--port" not in arguments:
            arguments += ["--port", str(self.port)]
        process = subprocess.Popen(
            [sys.executable, PEER, *arguments, "--ledger", self.ledger], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        start = self.mark()
        self.process = process
        self.reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.reader.start()
        self.port = self.wait_for(lambda e: e["event"] == "listening", after=start)["port"]

    def _read(self, process):
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self._record(event)

    def _record(self, event):
        with self.lock:
            self.events.append(event)
        self.arrivals.put(event)

    @property
    def online(self):
        return self.process is not None and self.process.poll() is None

    def go_offline(self):
        """Ends the server: its connection drops and the port refuses connections."""
        self._halt()
        # Everything the ended process printed is in the list before the marker.
        self.reader.join(timeout=5)
        self._record({"event": "offline"})

    def come_back(self):
        """Starts the server again on the same port, with the transactions it knew."""
        if not self.online:
            self._spawn()

    @property
    def url(self):
        return "ws://127.0.0.1:%d/ocpp" % self.port

    def wait_for(self, predicate, timeout=30, after=0):
        """The first event from index `after` on that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        index = after
        while True:
            with self.lock:
                while index < len(self.events):
                    event = self.events[index]
                    index += 1
                    if predicate(event):
                        return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("%s: no matching event within %ss; last events: %s" % (
                    self.name, timeout, json.dumps(self.events[-8:])))
            try:
                self.arrivals.get(timeout=remaining)
            except queue.Empty:
                pass

    def wait_for_call(self, action, timeout=30, after=0, **payload_fields):
        def matches(event):
            if event["event"] != "call" or event["action"] != action:
                return False
            return all(event["payload"].get(k) == v for k, v in payload_fields.items())
        return self.wait_for(matches, timeout, after)

    def calls(self, action=None):
        with self.lock:
            return [e for e in self.events if e["event"] == "call" and (action is None or e["action"] == action)]

    def invalid(self):
        with self.lock:
            return [e for e in self.events if e["event"] in ("invalid", "unparsable")]

    def mark(self):
        with self.lock:
            return len(self.events)

    def command(self, **command):
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def save_events(self, path):
        """Writes every event received so far as JSON lines (for a look after a failure)."""
        with self.lock:
            lines = [json.dumps(event) + "\n" for event in self.events]
        with open(path, "w") as f:
            f.writelines(lines)

    def settle(self, timeout=10):
        """Returns once every event the server printed so far is in `events`."""
        token = "settle-%d" % time.monotonic_ns()
        start = self.mark()
        self.command(echo=token)
        self.wait_for(lambda e: e.get("echo") == token, timeout, start)

    def send(self, action, payload, timeout=30):
        """Sends a CALL to the charge point and returns its answer event."""
        start = self.mark()
        self.command(send=action, payload=payload)
        return self.wait_for(lambda e: e["event"] == "answer" and e["action"] == action, timeout, start)

    def _halt(self):
        if self.process.poll() is None:
            try:
                self.command(stop=True)
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
                self.process.wait()

    def stop(self):
        self._halt()
        if os.path.exists(self.ledger):
            os.unlink(self.ledger)

    def transaction_id_for(self, id_tag, timeout=30, after=0):
        """The transactionId this Central System gave to the StartTransaction of `id_tag`."""
        return self.wait_for(lambda e: e["event"] == "transactionId" and e["payload"]["idTag"] == id_tag,
                             timeout, after)["transactionId"]


class Tmpfs:
    """A small tmpfs on a directory of its own, to run out of space on purpose (root only).

    `mount()` raises OSError with the reason when mounting is not permitted.
    """

    def __init__(self, size):
        self.size = size
        self.path = tempfile.mkdtemp(prefix="chargeplex-tmpfs-")
        self.mounted = False
        self.filler = os.path.join(self.path, "filler")

    def mount(self):
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0750" % self.size, "tmpfs", self.path],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise OSError("mount -t tmpfs failed: %s" % (result.stderr.strip() or result.returncode))
        self.mounted = True
        return self

    def fill(self):
        """Writes the filler file until the file system has not one byte left."""
        with open(self.filler, "ab", buffering=0) as f:
            for chunk in (1 << 20, 1 << 12, 1):
                block = b"\0" * chunk
                try:
                    while True:
                        f.write(block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
        return os.path.getsize(self.filler)

    def free(self):
        if os.path.exists(self.filler):
            os.unlink(self.filler)

    def available(self):
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def unmount(self):
        if self.mounted:
            # Lazily, so that a process still holding a file there cannot keep it.
            subprocess.run(["umount", "-l", self.path], capture_output=True)
            self.mounted = False
        try:
            os.rmdir(self.path)
        except OSError:
            pass


# The three operators of the rule book, each with transactionIds of its own range.
THREE = (("billing", "billing", 100), ("home", "home", 200), ("energy", "data-control", 300))


def three_central_systems():
    """billing, home and energy (data-control) Central Systems, by name."""
    return {name: CentralSystem(name, "--transaction-id-base", str(base)) for name, _, base in THREE}


def operator_list(systems):
    """The agent's operator list for Central Systems made by `three_central_systems`."""
    roles = {name: role for name, role, _ in THREE}
    return [(name, system.url, roles[name]) for name, system in systems.items()]


def stop_all(systems):
    for system in systems.values():
        system.stop()


class Agent:
    """The chargeplex binary with a configuration written for the test.

    The configuration and the log go to `workdir` (by default the state directory).
    """

    def __init__(self, operators, connectors=2, ocpp=None, extra="", state=None, workdir=None, log_level="info",
                 pinmap=None):
        self.state = state or tempfile.mkdtemp(prefix="chargeplex-e2e-")
        self.workdir = workdir or self.state
        self.config = os.path.join(self.workdir, "chargeplex.toml")
        lines = [
            "[chargepoint]", 'id = "CP-E2E"', 'vendor = "Chargeplex"', 'model = "Sim"', "",
            "[board]", 'kind = "sim"', "connectors = %d" % connectors,
            *(['pinmap = "%s"' % pinmap] if pinmap else []), "",
            "[state]", 'directory = "%s"' % self.state, "",
            "[log]", 'level = "%s"' % log_level, "",
        ]
        settings = {"MeterValueSampleInterval": "2", "HeartbeatInterval": "60"}
        settings.update(ocpp or {})
        lines.append("[ocpp]")
        lines += ['%s = "%s"' % item for item in settings.items()]
        lines.append("")
        for name, url, role in operators:
            lines += ["[[operators]]", 'name = "%s"' % name, 'url = "%s"' % url, 'role = "%s"' % role,
                      "security_profile = 0", "allow_insecure = true", ""]
        lines.append(extra)
        with open(self.config, "w") as f:
            f.write("\n".join(lines))
        self.log_path = os.path.join(self.workdir, "agent.log")
        self.log = open(self.log_path, "w")
        self.process = None

    def start(self, env=None, prefix=()):
        """Starts the agent; `env` adds to the environment, `prefix` runs it through another
        program (`setpriv ...` to start it as another user)."""
        environment = dict(os.environ, **(env or {}))
        self.process = subprocess.Popen([*prefix, binary(), "run", "--config", self.config], stdout=self.log,
                                        stderr=self.log, env=environment)
        return self

    def journal_stream(self):
        """JOURNAL_STREAM as systemd would set it for the agent's standard error (its log file)."""
        status = os.fstat(self.log.fileno())
        return {"JOURNAL_STREAM": "%d:%d" % (status.st_dev, status.st_ino)}

    def cli(self, *arguments):
        result = subprocess.run([binary(), *arguments, "--state", self.state], capture_output=True, text=True, timeout=30)
        return result.stdout + result.stderr

    def sim(self, *arguments):
        deadline = time.monotonic() + 30
        while True:
            out = subprocess.run([binary(), "sim", *map(str, arguments), "--state", self.state],
                                 capture_output=True, text=True, timeout=30)
            if out.returncode == 0:
                return out.stdout
            # The control socket appears once the agent is up.
            if time.monotonic() > deadline:
                raise AssertionError("sim %s failed: %s" % (arguments, out.stderr))
            time.sleep(0.1)

    def sim_once(self, *arguments):
        """One `chargeplex sim` command, not retried: whether the agent took it."""
        out = subprocess.run([binary(), "sim", *map(str, arguments), "--state", self.state],
                             capture_output=True, text=True, timeout=30)
        return out.returncode == 0

    def terminate(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def status(self):
        """`chargeplex status`, or None while no agent answers."""
        result = subprocess.run([binary(), "status", "--state", self.state], capture_output=True, text=True, timeout=30)
        return result.stdout if result.returncode == 0 else None

    def logs(self):
        with open(self.log_path) as f:
            return f.read()


# `chargeplex status`, read back (Sources/chargeplex/Daemon/Agent+Control.swift).
OPERATOR_LINE = re.compile(r"^  (\S+) \[([a-z-]+)\]( AUTHORITY)?( disabled)?: link (.*), registration (\S+), queue (\d+)$")
CONNECTOR_LINE = re.compile(r"^  (\d+): (\w+)(?: \((\w+)\))?, (\d+) Wh")
TRANSACTION_LINE = re.compile(r"^    transaction (\d+) is (\d+) here$")


def parse_status(text):
    """{"connectors": {n: status}, "errors": {n: errorCode}, "energy": {n: Wh},
    "operators": {name: {"link", "registration", "queue", "ids": {ref: id}}},
    "running": {connector: (ref, idTag)}}"""
    parsed = {"connectors": {}, "errors": {}, "energy": {}, "operators": {}, "running": {}}
    section = None
    current = None
    for line in text.splitlines():
        if line.startswith("connectors:"):
            section = "connectors"
        elif line.startswith("operators"):
            section = "operators"
        elif section == "connectors" and CONNECTOR_LINE.match(line):
            number, status, error, wh = CONNECTOR_LINE.match(line).groups()
            parsed["connectors"][int(number)] = status
            parsed["errors"][int(number)] = error or "NoError"
            parsed["energy"][int(number)] = int(wh)
            running = re.search(r"transaction (\d+) for (\S+)", line)
            if running:
                parsed["running"][int(number)] = (int(running.group(1)), running.group(2))
        elif section == "operators" and OPERATOR_LINE.match(line):
            name, _, _, _, link, registration, depth = OPERATOR_LINE.match(line).groups()
            current = parsed["operators"][name] = {
                "link": link, "registration": registration, "queue": int(depth), "ids": {}}
        elif section == "operators" and current is not None and TRANSACTION_LINE.match(line):
            ref, transaction_id = TRANSACTION_LINE.match(line).groups()
            current["ids"][int(ref)] = int(transaction_id)
    return parsed


def drained(agent, names):
    """The parsed status once every operator in `names` is registered with an empty queue, else None."""
    text = agent.status()
    if text is None:
        return None
    parsed = parse_status(text)
    for name in names:
        entry = parsed["operators"].get(name)
        if entry is None or entry["link"] != "open" or entry["registration"] != "Accepted" or entry["queue"]:
            return None
    return parsed


# What each Central System received, checked as OCPP transactions.

ENERGY = "Energy.Active.Import.Register"


def ocpp_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def session_key(start):
    """A transaction as the charger started it: the same whichever operator was told."""
    return (start["connectorId"], start["idTag"], start["meterStart"], start["timestamp"])


def registers(meter_values):
    """The energy register readings of a MeterValues payload (a signed data set is none)."""
    return [int(float(sample["value"]))
            for value in meter_values["meterValue"] for sample in value["sampledValue"]
            if sample.get("measurand", ENERGY) == ENERGY and sample.get("unit", "Wh") == "Wh"
            and sample.get("format", "Raw") == "Raw"]


class Ledger:
    """One operator's view of the charger's transactions, from its events in arrival order.

    Delivery is at least once: after a power cut the charger sends again what it sent
    but had no answer for. A message received again with the same payload is the same
    message and counted once (`repeats` says how often that happened); the Central System
    answers a repeated StartTransaction with the id it gave the first time, so a
    transaction is one transactionId. Two different StopTransactions for one id are two
    messages, and a failure.
    """

    def __init__(self, system):
        self.name = system.name
        with system.lock:
            events = list(system.events)
        self.given = {}         # transactionId -> StartTransaction payload
        self.start_index = {}   # transactionId -> index of the answer that gave it
        self.stops = {}         # transactionId -> [(index, payload)], distinct payloads
        self.meters = {}        # transactionId -> [(index, payload)], distinct payloads
        self.unknown = []       # (index, action, payload) with an id this system never gave
        self.statuses = []      # (index, payload, sent in the burst that follows a BootNotification)
        self.invalid = [e for e in events if e["event"] in ("invalid", "unparsable")]
        self.repeats = {}       # action -> identical messages received again
        self.stamped = []       # (index, timestamp) of every transaction message, in arrival order
        seen = set()
        after_boot = False
        for index, event in enumerate(events):
            if event["event"] == "transactionId":
                if event["repeat"]:
                    self.repeats["StartTransaction"] = self.repeats.get("StartTransaction", 0) + 1
                self.given.setdefault(event["transactionId"], event["payload"])
                self.start_index.setdefault(event["transactionId"], index)
                continue
            if event["event"] != "call":
                continue
            action, payload = event["action"], event["payload"]
            if action == "BootNotification":
                after_boot = True
            elif action == "StatusNotification":
                self.statuses.append((index, payload, after_boot))
                continue
            else:
                after_boot = False
            if action == "StartTransaction" or action == "StopTransaction":
                self.stamped.append((index, ocpp_time(payload["timestamp"])))
            elif action == "MeterValues" and "transactionId" in payload:
                self.stamped.append((index, ocpp_time(payload["meterValue"][0]["timestamp"])))
            if action not in ("MeterValues", "StopTransaction") or "transactionId" not in payload:
                continue
            fingerprint = (action, json.dumps(payload, sort_keys=True))
            if fingerprint in seen:
                self.repeats[action] = self.repeats.get(action, 0) + 1
                continue
            seen.add(fingerprint)
            transaction_id = payload["transactionId"]
            if transaction_id not in self.given:
                self.unknown.append((index, action, payload))
                continue
            table = self.stops if action == "StopTransaction" else self.meters
            table.setdefault(transaction_id, []).append((index, payload))

    def older_after(self, index, stamp):
        """Whether a transaction message stamped before `stamp` arrived after event `index`:
        the operator was still being sent a backlog of queued messages then."""
        return any(later > index and older < stamp for later, older in self.stamped)

    def sessions(self):
        """session key -> transactionId."""
        return {session_key(start): transaction_id for transaction_id, start in self.given.items()}

    def stop(self, transaction_id):
        stops = self.stops.get(transaction_id)
        return stops[0] if stops else (None, None)

    def problems(self):
        """(kind, text) for every broken rule of the transaction messages."""
        found = []
        for event in self.invalid:
            found.append(("schema violation", "%s: %s" % (self.name, json.dumps(event)[:300])))
        for index, action, payload in self.unknown:
            found.append(("unknown transactionId", "%s: %s with transactionId %s it never gave: %s" % (
                self.name, action, payload["transactionId"], json.dumps(payload)[:200])))
        for transaction_id, start in sorted(self.given.items()):
            label = "%s: transaction %d (card %s, connector %d)" % (self.name, transaction_id, start["idTag"], start["connectorId"])
            stops = self.stops.get(transaction_id, [])
            if not stops:
                found.append(("no StopTransaction", label + " never got a StopTransaction"))
            elif len(stops) > 1:
                found.append(("two different StopTransactions", label + ": %s" % " / ".join(
                    json.dumps(payload) for _, payload in stops)))
            stop_index, stop = stops[0] if stops else (None, None)
            stamps = []
            highest = None
            for index, payload in self.meters.get(transaction_id, []):
                if stop_index is not None and index > stop_index:
                    found.append(("MeterValues after the StopTransaction", label + ": %s after %s" % (
                        json.dumps(payload["meterValue"])[:150], stop["timestamp"])))
                    continue
                for value in payload["meterValue"]:
                    stamp = ocpp_time(value["timestamp"])
                    if stamps and stamp < stamps[-1][0]:
                        found.append(("MeterValues out of timestamp order", label + ": %s after %s" % (
                            value["timestamp"], stamps[-1][1])))
                    stamps.append((stamp, value["timestamp"]))
                for reading in registers(payload):
                    highest = reading if highest is None else max(highest, reading)
            if stop is None:
                continue
            stopped = ocpp_time(stop["timestamp"])
            if stopped < ocpp_time(start["timestamp"]):
                found.append(("StopTransaction stamped before its StartTransaction", label + ": %s < %s" % (
                    stop["timestamp"], start["timestamp"])))
            latest = max(stamps)[1] if stamps else None
            if stamps and stopped < max(stamps)[0]:
                found.append(("StopTransaction stamped before a meter value", label + ": stop %s (%s), meter value %s" % (
                    stop["timestamp"], stop.get("reason", "Local"), latest)))
            if highest is not None and stop["meterStop"] < highest:
                found.append(("meterStop below a register already reported", label + ": meterStop %d < %d (%s)" % (
                    stop["meterStop"], highest, stop.get("reason", "Local"))))
        return found


def status_order_problems(ledgers):
    """A StatusNotification Charging must come after the StartTransaction of the
    transaction running on that connector, and Finishing after the StopTransaction of
    the one that ended there: per operator, in the order it received them.

    The transaction a status is about is the last one started on its connector before
    the status's timestamp (the charger stamps both from one clock; the transactions
    are those any operator heard of). Stop timestamps are not used: after a power cut
    the StopTransaction carries the time of the last stored meter reading. Exempt are
    the statuses that follow a BootNotification before any other message: the current
    status of every connector on (re)connection, which the rule book sends before the
    queued transaction messages (and before the StartTransaction of a late joiner).

    A violation is told apart by when it happened: "behind a backlog" when transaction
    messages stamped before the late Start (or Stop) were still arriving after the
    status (the operator was catching up after an outage or a power cut, and the status
    went out ahead of the queue), else "live" (only that message itself was pending).
    """
    starts = {}
    for ledger in ledgers:
        for key in ledger.sessions():
            starts[key] = ocpp_time(key[3])
    found = []
    for ledger in ledgers:
        known = ledger.sessions()
        for index, status, after_boot in ledger.statuses:
            if after_boot or status["status"] not in ("Charging", "Finishing") or "timestamp" not in status:
                continue
            connector, at = status["connectorId"], ocpp_time(status["timestamp"])
            label = "%s: %s on connector %d at %s" % (ledger.name, status["status"], connector, status["timestamp"])
            before = [(started, key) for key, started in starts.items() if key[0] == connector and started <= at]
            if not before:
                found.append(("%s with no transaction known" % status["status"], label))
                continue
            started, key = max(before)
            transaction_id = known.get(key)
            if status["status"] == "Charging":
                late = transaction_id is None or ledger.start_index[transaction_id] > index
                kind, message_stamp = "Charging before its StartTransaction", started
            else:
                stop_index, stop = ledger.stop(transaction_id) if transaction_id is not None else (None, None)
                late = stop_index is None or stop_index > index
                kind, message_stamp = "Finishing before its StopTransaction", ocpp_time(stop["timestamp"]) if stop else at
            if late:
                when = "behind a backlog" if ledger.older_after(index, message_stamp) else "live"
                found.append(("%s (%s)" % (kind, when), label + " (card %s)" % key[1]))
    return found


def agreement_problems(ledgers):
    """Every operator hears of every transaction that any operator heard of, and of its
    end alike: the same StopTransaction but for its own transactionId (and the
    transactionData its own StopTxnSampledData asks for)."""
    everyone = set()
    for ledger in ledgers:
        everyone |= set(ledger.sessions())
    found = []
    for key in sorted(everyone, key=lambda k: k[3]):
        label = "card %s on connector %d at %s" % (key[1], key[0], key[3])
        ends = {}
        for ledger in ledgers:
            transaction_id = ledger.sessions().get(key)
            if transaction_id is None:
                found.append(("transaction missing at an operator",
                              "%s never got the StartTransaction of %s" % (ledger.name, label)))
                continue
            _, stop = ledger.stop(transaction_id)
            if stop is not None:
                end = tuple(stop.get(field) for field in ("reason", "timestamp", "meterStop", "idTag"))
                ends.setdefault(end, []).append(ledger.name)
        if len(ends) > 1:
            found.append(("operators got different StopTransactions for one transaction", "%s: %s" % (label, "; ".join(
                "%s: %s" % (",".join(names), "reason %s at %s meterStop %s" % end[:3]) for end, names in ends.items()))))
    return found


def report(problems, limit=6):
    """The problems grouped by kind: a count and the first few of each."""
    kinds = {}
    for kind, text in problems:
        kinds.setdefault(kind, []).append(text)
    lines = []
    for kind, texts in sorted(kinds.items()):
        lines.append("%d x %s" % (len(texts), kind))
        lines += ["    " + text for text in texts[:limit]]
    return "\n".join(lines)
