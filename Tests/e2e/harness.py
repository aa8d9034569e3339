"""End-to-end harness: real Central Systems (the `ocpp` library, through
Tests/peers/central_system.py) and the real `chargeplex` binary on a
simulated board, all on 127.0.0.1.

Everything waits on events with a deadline; nothing sleeps to synchronize.
"""
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

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


class CentralSystem:
    """A Central System process; its JSON-line events are collected as they come."""

    def __init__(self, name, *arguments):
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, PEER, *arguments], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.events = []
        self.arrivals = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        self.port = self.wait_for(lambda e: e["event"] == "listening")["port"]

    def _read(self):
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.lock:
                self.events.append(event)
            self.arrivals.put(event)

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

    def send(self, action, payload, timeout=30):
        """Sends a CALL to the charge point and returns its answer event."""
        start = self.mark()
        self.command(send=action, payload=payload)
        return self.wait_for(lambda e: e["event"] == "answer" and e["action"] == action, timeout, start)

    def stop(self):
        if self.process.poll() is None:
            try:
                self.command(stop=True)
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
                self.process.wait()


class Agent:
    """The chargeplex binary with a configuration written for the test."""

    def __init__(self, operators, connectors=2, ocpp=None, extra="", state=None):
        self.state = state or tempfile.mkdtemp(prefix="chargeplex-e2e-")
        self.config = os.path.join(self.state, "chargeplex.toml")
        lines = [
            "[chargepoint]", 'id = "CP-E2E"', 'vendor = "Chargeplex"', 'model = "Sim"', "",
            "[board]", 'kind = "sim"', "connectors = %d" % connectors, "",
            "[state]", 'directory = "%s"' % self.state, "",
            "[log]", 'level = "info"', "",
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
        self.log = open(os.path.join(self.state, "agent.log"), "w")
        self.process = None

    def start(self):
        self.process = subprocess.Popen([binary(), "run", "--config", self.config], stdout=self.log, stderr=self.log)
        return self

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

    def terminate(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def logs(self):
        with open(os.path.join(self.state, "agent.log")) as f:
            return f.read()
