"""The field technician's commands against a running agent: `log` and `log -f`, `config
show` with what the agent holds, `sim` refusing connectors the board does not have, the
"permission denied" a user who may not reach the control socket is told (not "no agent is
running"), and operator URLs with `{id}` where the charge point id goes."""
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading

import pytest

from harness import Agent, CentralSystem, binary, wait_until

NOBODY = 65534
DENIED = "chargeplex: permission denied: run as root or as a member of group chargeplex"


@pytest.fixture
def public():
    """A directory every user may read, for files a test runs commands on as nobody."""
    directory = tempfile.mkdtemp(prefix="chargeplex-public-")
    os.chmod(directory, 0o755)
    yield directory
    shutil.rmtree(directory)


def run(*arguments, user=None):
    command = [binary(), *map(str, arguments)]
    if user is not None:
        command = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + command
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def registered(agent, central):
    central.wait_for_call("StatusNotification", connectorId=2)
    wait_until(lambda: agent.status(), 30, "the control socket answers")


class Follower:
    """`chargeplex log -f` running; its output lines arrive in a queue."""

    def __init__(self, agent, *options):
        self.process = subprocess.Popen([binary(), "log", "-f", *options, "--state", agent.state],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, predicate=lambda line: True, timeout=30):
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError("log -f printed no such line within %ss" % timeout)
            if predicate(line):
                return line

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=10)


def test_log_shows_the_recent_lines_and_follows_new_ones(home):
    agent = Agent([("home", home.url, "home")]).start()
    follower = None
    try:
        registered(agent, home)
        recent = run("log", "--state", agent.state)
        assert recent.returncode == 0, recent.stderr
        assert "chargeplex running" in recent.stdout
        assert len(run("log", "-n", "1", "--state", agent.state).stdout.splitlines()) == 1

        follower = Follower(agent, "-n", "1")
        # The newest kept line comes first: from then on the follower misses nothing.
        follower.next_line()
        home.go_offline()
        assert "home" in follower.next_line(lambda line: "link" in line)
        assert follower.process.poll() is None

        # Following ends when the agent stops, and the command says so.
        agent.terminate()
        assert follower.process.wait(timeout=30) == 1
        assert "the agent ended the log: it stopped" in follower.process.stderr.read()
    finally:
        if follower:
            follower.stop()
        agent.terminate()


def test_an_interrupted_follower_leaves_the_agent_serving(home):
    agent = Agent([("home", home.url, "home")]).start()
    try:
        registered(agent, home)
        for _ in range(3):
            follower = Follower(agent, "-n", "1")
            follower.next_line()
            follower.stop()
        assert "home [home]" in agent.status()
        assert run("log", "-n", "5", "--state", agent.state).returncode == 0
    finally:
        agent.terminate()


def test_a_user_who_may_not_reach_the_socket_is_told_so_not_that_no_agent_runs(home, public):
    agent = Agent([("home", home.url, "home")], workdir=public).start()
    try:
        registered(agent, home)
        assert oct(os.stat(agent.state).st_mode & 0o777) == "0o700"
        for command in (["status"], ["operators"], ["sim", "plug", "1"], ["log"], ["log", "-f"]):
            result = run(*command, "--state", agent.state, user=NOBODY)
            assert result.returncode == 1, command
            assert result.stderr.startswith(DENIED), (command, result.stderr)
            assert "no agent" not in result.stderr
        show = run("config", "show", "--config", agent.config, user=NOBODY)
        assert show.returncode == 1
        assert 'name = "home"' in show.stdout
        assert DENIED.replace("chargeplex: ", "") in show.stderr
        # Where nothing listens, that is what the user hears, as root or not.
        for user in (None, NOBODY):
            result = run("status", "--state", public, user=user)
            assert result.returncode == 1
            assert result.stderr.startswith("chargeplex: no agent is running here"), result.stderr
    finally:
        agent.terminate()
    result = run("status", "--state", agent.state)
    assert result.returncode == 1 and result.stderr.startswith("chargeplex: no agent is running here")


def test_sim_refuses_a_connector_the_board_does_not_have(home):
    agent = Agent([("home", home.url, "home")], connectors=2).start()
    try:
        registered(agent, home)
        for connector in (9, 0, -1, 3):
            result = run("sim", "plug", "--state", agent.state, "--", connector)
            assert result.returncode == 1, connector
            assert result.stdout == ""
            assert result.stderr.strip() == "chargeplex: this board has no connector %d: it has connectors 1 to 2" % connector
        unknown = run("sim", "jump", "1", "--state", agent.state)
        assert unknown.returncode != 0 and "jump" in unknown.stderr
        # A connector it has still works.
        mark = home.mark()
        assert run("sim", "plug", "2", "--state", agent.state).returncode == 0
        home.wait_for_call("StatusNotification", connectorId=2, status="Preparing", after=mark)
    finally:
        agent.terminate()


def test_operator_urls_take_the_id_where_they_say(home):
    other = CentralSystem("other")
    try:
        agent = Agent([("home", home.url + "/{id}/", "home"),
                       ("other", "ws://127.0.0.1:%d/cs/{id}/ocpp" % other.port, "data-control")]).start()
        try:
            assert home.wait_for(lambda e: e["event"] == "connected")["path"] == "/ocpp/CP-E2E/"
            assert other.wait_for(lambda e: e["event"] == "connected")["path"] == "/cs/CP-E2E/ocpp"
            home.wait_for_call("BootNotification")
            other.wait_for_call("BootNotification")
            # A pushed list with the id twice in a URL is refused whole, with the reason.
            pushed = {"version": 2, "operators": [
                {"name": "home", "url": home.url + "/{id}/{id}", "role": "home", "allowInsecure": True}]}
            answer = home.send("DataTransfer", {"vendorId": "com.chargeplex", "messageId": "SetOperators",
                                                "data": json.dumps(pushed)})
            assert answer["payload"]["status"] == "Rejected"
            assert "operators[0].url: {id} may stand only once" in answer["payload"]["data"]
        finally:
            agent.terminate()
    finally:
        other.stop()


def test_config_show_lists_the_file_and_what_the_running_agent_holds(home):
    secret = "Pushed-Secret-Key-42"
    agent = Agent([("home", home.url, "home")]).start()
    try:
        registered(agent, home)
        stopped = run("config", "show", "--config", agent.config)
        answer = home.send("ChangeConfiguration", {"key": "HeartbeatInterval", "value": "77"})
        assert answer["payload"]["status"] == "Accepted"
        pushed = {"version": 3, "operators": [
            {"name": "home", "url": home.url, "role": "home", "allowInsecure": True},
            {"name": "ems", "url": "ws://127.0.0.1:1/{id}", "role": "data-control", "securityProfile": 1,
             "password": secret, "allowInsecure": True}]}
        answer = home.send("DataTransfer", {"vendorId": "com.chargeplex", "messageId": "SetOperators",
                                            "data": json.dumps(pushed)})
        assert answer["payload"]["status"] == "Accepted"

        result = run("config", "show", "--config", agent.config)
        assert result.returncode == 0, result.stderr
        text = result.stdout
        assert secret not in text and secret not in agent.cli("status")
        file_part, agent_part = text.split("# The running agent's operator list")
        assert 'directory = "%s"' % agent.state in file_part
        assert 'free_vend = false  # default' in file_part
        assert "# connects to %s/CP-E2E (no authentication)" % home.url in file_part
        assert "#   HeartbeatInterval = 60 (file line " in file_part
        assert "pushed by home as version 3" in agent_part
        assert "#   HeartbeatInterval = 77 (set over OCPP, the file says 60; each operator has its own value)" in agent_part
        assert 'password = "<redacted>"' in agent_part
        assert "# connects to ws://127.0.0.1:1/CP-E2E (Basic authentication over ws://)" in agent_part
        assert stopped.returncode == 0 and "# The running agent's operator list" in stopped.stdout
    finally:
        agent.terminate()
    after = run("config", "show", "--config", agent.config)
    assert after.returncode == 0
    assert "# No agent is running" in after.stdout
