"""The agent as a systemd service, without systemd: a Unix datagram socket plays the
service manager's NOTIFY_SOCKET (READY=1, STATUS=, WATCHDOG=1, STOPPING=1), the
environment carries what the unit gives (WATCHDOG_USEC, STATE_DIRECTORY), and the
agent's state directory is put on a file system that can be frozen, so that the
charge point's writes really hang."""
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
import time

import pytest

from harness import Agent, binary, wait_until

# Pings every second: the agent pings at half the interval.
WATCHDOG_USEC = "2000000"


class NotifySocket:
    """A service manager's notification socket: every datagram, parsed into its fields."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="chargeplex-notify-")
        self.path = os.path.join(self.directory, "notify")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        # Any user may send, as to systemd's own socket (the agent may run as another user).
        os.chmod(self.directory, 0o755)
        os.chmod(self.path, 0o777)
        self.messages = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                data = self.socket.recv(65536)
            except OSError:
                return
            fields = {}
            for line in data.decode().split("\n"):
                name, _, value = line.partition("=")
                fields[name] = value
            with self.lock:
                self.messages.append(fields)

    def environment(self, **extra):
        return dict({"NOTIFY_SOCKET": self.path, "WATCHDOG_USEC": WATCHDOG_USEC}, **extra)

    def mark(self):
        with self.lock:
            return len(self.messages)

    def since(self, index=0):
        with self.lock:
            return list(self.messages[index:])

    def wait_for(self, predicate, timeout=30, after=0, what="a notification"):
        return wait_until(lambda: next((m for m in self.since(after) if predicate(m)), None), timeout,
                          "%s; received %s" % (what, self.since(after)[-6:]))

    def statuses(self):
        return [m["STATUS"] for m in self.since() if "STATUS" in m]

    def pings(self, after=0):
        return [m for m in self.since(after) if m.get("WATCHDOG") == "1"]

    def close(self):
        self.socket.close()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def notify():
    manager = NotifySocket()
    yield manager
    manager.close()


def status_is(text):
    return lambda m: m.get("STATUS") == text


def test_ready_status_lines_pings_and_stopping(home, notify):
    agent = Agent([("home", home.url, "home")]).start(env=notify.environment())
    try:
        ready = notify.wait_for(lambda m: m.get("READY") == "1", what="READY=1")
        assert "STATUS" in ready
        notify.wait_for(status_is("1 of 1 operator connected (home), no transaction running"))
        agent.sim("plug", 1)
        agent.sim("swipe", 1, "DRIVER1")
        home.wait_for_call("StartTransaction", idTag="DRIVER1")
        notify.wait_for(status_is("1 of 1 operator connected (home), 1 transaction running"))
        # The operator goes away: the technician sees it.
        home.go_offline()
        notify.wait_for(status_is("0 of 1 operator connected, 1 transaction running"))
        home.come_back()
        notify.wait_for(status_is("1 of 1 operator connected (home), 1 transaction running"))
        mark = notify.mark()
        notify.wait_for(lambda m: m.get("WATCHDOG") == "1", after=mark, what="a watchdog ping")
        notify.wait_for(lambda m: m.get("WATCHDOG") == "1", after=notify.mark(), what="a second ping")

        agent.terminate()
        assert agent.process.returncode == 0
        stopping = notify.wait_for(lambda m: m.get("STOPPING") == "1", what="STOPPING=1")
        assert stopping["STATUS"] == "stopping: opening the relays, ending 1 transaction (reason Reboot)"
        notify.wait_for(status_is("stopped"))
        statuses = notify.statuses()
        # Sent when it changes, never the same line twice in a row.
        assert all(a != b for a, b in zip(statuses, statuses[1:])), statuses
        # Nothing goes out that systemd would not understand.
        known = {"READY", "STATUS", "WATCHDOG", "STOPPING"}
        assert all(set(m) <= known for m in notify.since()), notify.since()
    finally:
        agent.terminate()


def can_freeze():
    return os.geteuid() == 0 and shutil.which("fsfreeze") and shutil.which("mkfs.ext4") and os.path.exists("/dev/loop-control")


class FreezableFileSystem:
    """A small ext4 file system on a loop device: `freeze()` makes every write to it hang in
    the kernel until `thaw()`, as a stalled flash card would."""

    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="chargeplex-freeze-")
        self.image = os.path.join(self.work, "image")
        self.path = os.path.join(self.work, "mnt")
        os.mkdir(self.path)
        with open(self.image, "wb") as f:
            f.truncate(64 << 20)
        subprocess.run(["mkfs.ext4", "-q", "-F", self.image], check=True, capture_output=True)
        result = subprocess.run(["mount", "-o", "loop", self.image, self.path], capture_output=True, text=True)
        if result.returncode != 0:
            shutil.rmtree(self.work, ignore_errors=True)
            raise OSError("mount -o loop failed: %s" % result.stderr.strip())
        self.frozen = False

    def freeze(self):
        subprocess.run(["fsfreeze", "-f", self.path], check=True)
        self.frozen = True

    def thaw(self):
        if self.frozen:
            subprocess.run(["fsfreeze", "-u", self.path], check=True)
            self.frozen = False

    def remove(self):
        self.thaw()
        subprocess.run(["umount", "-l", self.path], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)


@pytest.mark.skipif(not can_freeze(), reason="needs root, fsfreeze, mkfs.ext4 and loop devices")
def test_a_charge_point_stuck_on_its_storage_stops_the_pings_and_they_resume_after(home, notify, tmp_path):
    try:
        disk = FreezableFileSystem()
    except OSError as error:
        pytest.skip(str(error))
    state = os.path.join(disk.path, "state")
    # The log and the configuration stay writable: only the state hangs.
    agent = Agent([("home", home.url, "home")], state=state, workdir=str(tmp_path), ocpp={"MeterValueSampleInterval": "1"})
    agent.start(env=notify.environment())
    try:
        notify.wait_for(status_is("1 of 1 operator connected (home), no transaction running"))
        agent.sim("plug", 1)
        agent.sim("swipe", 1, "DRIVER1")
        home.wait_for_call("StartTransaction", idTag="DRIVER1")
        home.wait_for_call("MeterValues", after=home.mark())
        notify.wait_for(lambda m: m.get("WATCHDOG") == "1", after=notify.mark(), what="a ping before the freeze")

        # Every second the charge point stores a meter value for the running transaction:
        # that write now hangs, and with it the charge point's tick.
        disk.freeze()
        withheld = notify.wait_for(lambda m: m.get("STATUS", "").startswith("watchdog pings withheld"), timeout=60,
                                   what="the pings withheld")
        assert "the charge point's tick has shown no life for" in withheld["STATUS"]
        # From then on, no ping: three more rounds, each one saying why.
        start = notify.mark()
        for _ in range(3):
            notify.wait_for(lambda m: m.get("STATUS", "").startswith("watchdog pings withheld"),
                            after=notify.mark(), what="another round without a ping")
        assert notify.pings(after=start) == []
        assert agent.running
        assert "watchdog pings withheld: the charge point's tick has shown no life" in agent.logs()

        disk.thaw()
        notify.wait_for(lambda m: m.get("WATCHDOG") == "1", after=notify.mark(), what="the pings resuming")
        wait_until(lambda: "watchdog pings resume" in agent.logs(), 10, "the log of the pings resuming")
        notify.wait_for(status_is("1 of 1 operator connected (home), 1 transaction running"))
    finally:
        disk.thaw()
        agent.terminate()
        disk.remove()


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_state_files_are_the_agents_alone_and_an_earlier_0644_database_is_tightened(home, tmp_path):
    state = str(tmp_path / "state")
    agent = Agent([("home", home.url, "home")], state=state, workdir=str(tmp_path)).start()
    try:
        home.wait_for_call("BootNotification")
        wait_until(lambda: agent.status(), 30, "the control socket")
        assert mode(state) == 0o750
        assert stat.S_ISSOCK(os.lstat(os.path.join(state, "control.sock")).st_mode)
        assert mode(os.path.join(state, "control.sock")) == 0o660
        for name in ("chargeplex.db", "chargeplex.db-wal", "chargeplex.db-shm"):
            assert mode(os.path.join(state, name)) == 0o600, name
    finally:
        agent.terminate()
    # As an earlier version left them: 0644 files in a 0755 directory.
    os.chmod(state, 0o755)
    for name in os.listdir(state):
        if name.startswith("chargeplex.db"):
            os.chmod(os.path.join(state, name), 0o644)
    agent = Agent([("home", home.url, "home")], state=state, workdir=str(tmp_path)).start()
    try:
        wait_until(lambda: agent.status(), 30, "the agent back")
        assert mode(state) == 0o750
        for name in os.listdir(state):
            if name.startswith("chargeplex.db"):
                assert mode(os.path.join(state, name)) == 0o600, name
        assert "state file mode tightened" in agent.logs()
    finally:
        agent.terminate()


AGENT_USER = 23456
OTHER_USER = 34567


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to play other users")
def test_members_of_the_agents_group_reach_the_control_socket_and_others_do_not(home):
    # The agent runs as a user and group of its own, as the service does (chargeplex:chargeplex),
    # in a folder every user can traverse (pytest's own is root's alone).
    base = tempfile.mkdtemp(prefix="chargeplex-users-")
    os.chmod(base, 0o755)
    parent = os.path.join(base, "var-lib")
    os.mkdir(parent)
    os.chown(parent, AGENT_USER, AGENT_USER)
    state = os.path.join(parent, "chargeplex")
    agent = Agent([("home", home.url, "home")], state=state, workdir=base)
    os.chmod(agent.config, 0o644)
    as_agent = ["setpriv", "--reuid=%d" % AGENT_USER, "--regid=%d" % AGENT_USER, "--clear-groups"]
    agent.start(prefix=as_agent)

    def status(*groups):
        who = ["setpriv", "--reuid=%d" % OTHER_USER, "--regid=%d" % OTHER_USER]
        who += ["--groups=" + ",".join(map(str, groups))] if groups else ["--clear-groups"]
        return subprocess.run([*who, binary(), "status", "--state", state], capture_output=True, text=True, timeout=30)

    try:
        home.wait_for_call("BootNotification")
        member = wait_until(lambda: (lambda r: r if r.returncode == 0 else None)(status(AGENT_USER)), 30,
                            "status as a member of the agent's group")
        assert "home [home]" in member.stdout
        outsider = status()
        assert outsider.returncode != 0
        assert outsider.stdout == ""
        # The files themselves stay closed to the group: only the socket is shared.
        assert os.stat(os.path.join(state, "chargeplex.db")).st_uid == AGENT_USER
        assert mode(os.path.join(state, "chargeplex.db")) == 0o600
    finally:
        agent.terminate()
        shutil.rmtree(base, ignore_errors=True)


CONFIG_HEAD = """[chargepoint]
id = "CP-UNIT"
vendor = "Chargeplex"
model = "Sim"
[board]
kind = "sim"
"""


def configuration(tmp_path, text, name="chargeplex.toml"):
    path = tmp_path / name
    path.write_text(CONFIG_HEAD + text)
    return str(path)


def test_a_state_directory_other_than_the_units_is_refused_by_run_and_config_check(tmp_path):
    configured, unit = tmp_path / "configured", tmp_path / "unit"
    path = configuration(tmp_path, '[state]\ndirectory = "%s"\n' % configured)
    expected = ("%s:8: state.directory: %s is not the directory the service gives the agent, %s (StateDirectory= of "
                "its unit, STATE_DIRECTORY): the service may write only there; say directory = \"%s\", or change "
                "StateDirectory= in a drop-in of the unit" % (path, configured, unit, unit))

    run = subprocess.run([binary(), "run", "--config", path], capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, STATE_DIRECTORY=str(unit)))
    assert run.returncode == 2
    assert run.stderr.strip() == "chargeplex: configuration refused: " + expected
    assert not configured.exists()

    for arguments, env in ((["--service-state-directory", str(unit)], {}), ([], {"STATE_DIRECTORY": str(unit)})):
        check = subprocess.run([binary(), "config", "check", path, *arguments], capture_output=True, text=True,
                               timeout=30, env=dict(os.environ, **env))
        assert (check.returncode, check.stderr.strip()) == (1, expected)

    # Without a [state] section the default is compared, and said to be one.
    bare = configuration(tmp_path, "", name="bare.toml")
    check = subprocess.run([binary(), "config", "check", bare, "--service-state-directory", str(unit)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 1
    assert check.stderr.startswith("%s: state.directory: /var/lib/chargeplex is not the directory" % bare)
    assert check.stderr.strip().endswith("(the default; [state] directory chooses another)")

    # The same directory, however spelt, passes.
    same = subprocess.run([binary(), "config", "check", path, "--service-state-directory", str(configured) + "//"],
                          capture_output=True, text=True, timeout=30)
    assert same.returncode == 0, same.stderr


def test_under_the_service_the_agent_never_runs_the_installer_itself(tmp_path):
    state = tmp_path / "state"
    script = tmp_path / "install"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    path = configuration(tmp_path, '[state]\ndirectory = "%s"\n[firmware]\ninstaller = "%s"\n' % (state, script))
    check = subprocess.run([binary(), "config", "check", path, "--service-state-directory", str(state)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 1
    assert check.stderr.strip() == (
        "%s:9: firmware.run_by: the service's sandbox keeps an installer run by the agent from replacing the "
        "package; say run_by = \"unit\", so that chargeplex-firmware.service runs it" % path)
    # Outside the service the agent may run it (benches, the demo).
    assert subprocess.run([binary(), "config", "check", path], capture_output=True, timeout=30).returncode == 0
    unit = configuration(tmp_path, '[state]\ndirectory = "%s"\n[firmware]\ninstaller = "%s"\n'
                                   'run_by = "unit"\n' % (state, script), name="unit.toml")
    check = subprocess.run([binary(), "config", "check", unit, "--service-state-directory", str(state)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("%s: ok" % unit)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to play the agent's user")
def test_an_installer_only_root_may_run_is_fine_when_the_unit_runs_it():
    base = tempfile.mkdtemp(prefix="chargeplex-installer-")
    try:
        os.chmod(base, 0o755)
        state = os.path.join(base, "state")
        os.mkdir(state)
        os.chown(state, AGENT_USER, AGENT_USER)
        script = os.path.join(base, "install-firmware")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o700)
        as_agent = ["setpriv", "--reuid=%d" % AGENT_USER, "--regid=%d" % AGENT_USER, "--clear-groups"]
        results = {}
        for runner in ("agent", "unit"):
            path = os.path.join(base, "%s.toml" % runner)
            with open(path, "w") as f:
                f.write(CONFIG_HEAD + '[state]\ndirectory = "%s"\n[firmware]\ninstaller = "%s"\nrun_by = "%s"\n'
                        % (state, script, runner))
            os.chmod(path, 0o644)
            results[runner] = subprocess.run([*as_agent, binary(), "config", "check", path], capture_output=True,
                                             text=True, timeout=30)
        assert results["agent"].returncode == 1
        assert ("firmware.installer: firmware installer %s cannot be run by this user: permission denied" % script
                in results["agent"].stderr)
        assert results["unit"].returncode == 0, results["unit"].stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)
