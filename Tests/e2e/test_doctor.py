"""`chargeplex doctor` against real Central Systems (the `ocpp` library peer, over TLS
where the test says so): every step of every operator is reported on a line of its own,
ok or FAIL with a plain reason, and the exit status says whether all passed. The
doctor never registers: the Central System sees a connection closed with 1000 and no
BootNotification."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from harness import ROOT, CentralSystem, binary, free_port
from pki import Pki

PASSWORD = "0123456789abcdef"

HEAD = """[chargepoint]
id = "CP-E2E"
vendor = "Chargeplex"
model = "Sim"
[board]
kind = "sim"
connectors = 2
[state]
directory = "%s"
"""


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def systems():
    """Central Systems started by a test, stopped after it."""
    started = []

    def start(*arguments):
        system = CentralSystem("doctor", *arguments)
        started.append(system)
        return system
    yield start
    for system in started:
        system.stop()


def operator(name, url, role="data-control", profile=0, **keys):
    lines = ["[[operators]]", 'name = "%s"' % name, 'url = "%s"' % url, 'role = "%s"' % role,
             "security_profile = %d" % profile]
    lines += ["%s = %s" % (key, json.dumps(value)) for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def doctor(directory, *operators, head=None, extra="", user=None):
    """Runs the doctor on a configuration written into `directory`; (status, stdout lines)."""
    path = os.path.join(str(directory), "chargeplex.toml")
    with open(path, "w") as f:
        f.write((head or HEAD % os.path.join(str(directory), "state")) + "".join(operators) + extra)
    command = [binary(), "doctor", "--config", path, "--timeout", "10"]
    if user is not None:
        command = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + command
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.stderr == "", result.stderr
    return result.returncode, result.stdout.splitlines()


def steps(lines, name):
    """The lines about operator `name`, without the operator's prefix: ["ok    DNS: ...", ...]."""
    prefix = "operator %s: " % name
    return [line[:6] + line[6 + len(prefix):] for line in lines if line[6:].startswith(prefix)]


def test_tls_with_the_password_passes_every_step_and_registers_nothing(tmp_path, pki, systems):
    central = systems("--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), "--password", PASSWORD)
    status, lines = doctor(tmp_path, operator("billing", "wss://localhost:%d/ocpp/{id}/" % central.port, "billing", 2,
                                              password=PASSWORD, ca_file=pki.ca))
    assert status == 0, "\n".join(lines)
    found = steps(lines, "billing")
    assert [line[:6] + line[6:].split(":")[0] for line in found] == ["ok    DNS", "ok    TCP", "ok    TLS", "ok    WebSocket"]
    assert found[0].startswith("ok    DNS: localhost is ")
    assert found[1] == "ok    TCP: connected to 127.0.0.1:%d" % central.port
    assert "verified against ca_file %s, host name localhost matches" % pki.ca in found[2]
    assert found[3] == ("ok    WebSocket: upgrade to wss://localhost:%d/ocpp/CP-E2E/ accepted with subprotocol ocpp1.6 "
                        "and the password; closed again without sending anything" % central.port)
    assert "ok    CA file of operator billing %s: readable" % pki.ca in lines
    assert lines[-1].startswith("all ") and lines[-1].endswith(" checks passed")

    connected = central.wait_for(lambda e: e["event"] == "connected")
    assert connected["path"] == "/ocpp/CP-E2E/" and connected["authorization"] == "basic"
    assert central.wait_for(lambda e: e["event"] == "disconnected")["code"] == 1000
    assert central.calls() == []


def test_security_profile_3_presents_the_client_certificate(tmp_path, pki, systems):
    central = systems("--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), "--tls-client-ca", pki.ca)
    status, lines = doctor(tmp_path, operator("ems", "wss://localhost:%d/ocpp" % central.port, profile=3,
                                              client_certificate=pki.certificate("client"),
                                              client_key=pki.key("client"), ca_file=pki.ca))
    assert status == 0, "\n".join(lines)
    found = steps(lines, "ems")
    assert found[2].endswith("client certificate %s presented" % pki.certificate("client"))
    assert found[3].startswith("ok    WebSocket: upgrade to wss://localhost:%d/ocpp/CP-E2E accepted" % central.port)
    assert central.calls() == []


def test_an_unknown_host_fails_at_the_lookup(tmp_path):
    status, lines = doctor(tmp_path, operator("lost", "wss://no-such-host.invalid/ocpp"))
    assert status == 1
    found = steps(lines, "lost")
    assert len(found) == 1 and found[0].startswith("FAIL  DNS: cannot find no-such-host.invalid: "), found
    assert lines[-1] == "1 of 3 checks failed"


def test_a_port_nobody_listens_on_fails_at_tcp(tmp_path):
    port = free_port()
    status, lines = doctor(tmp_path, operator("down", "ws://127.0.0.1:%d/ocpp" % port, allow_insecure=True))
    assert status == 1
    assert steps(lines, "down") == [
        "--    DNS: 127.0.0.1 is an address: nothing to look up",
        "FAIL  TCP: cannot connect to 127.0.0.1:%d: Connection refused: nothing listens on that port, "
        "or a firewall refuses" % port,
    ]


def test_a_certificate_of_another_authority_fails_at_tls(tmp_path, pki, systems):
    central = systems("--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"))
    status, lines = doctor(tmp_path, operator("cs", "wss://localhost:%d/ocpp" % central.port,
                                              ca_file=pki.certificate("otherca")))
    assert status == 1
    found = steps(lines, "cs")
    assert found[-1] == ("FAIL  TLS: the server's certificate is not signed by an authority in ca_file %s "
                         "(OpenSSL: unable to get local issuer certificate)" % pki.certificate("otherca"))
    assert [e for e in central.events if e["event"] == "connected"] == []


def test_a_certificate_for_another_host_fails_at_tls(tmp_path, pki, systems):
    central = systems("--tls-cert", pki.certificate("wronghost"), "--tls-key", pki.key("wronghost"))
    status, lines = doctor(tmp_path, operator("cs", "wss://localhost:%d/ocpp" % central.port, ca_file=pki.ca))
    assert status == 1
    assert steps(lines, "cs")[-1] == ("FAIL  TLS: the server's certificate is not made out for localhost "
                                      "(OpenSSL: hostname mismatch)")


def test_a_wrong_password_is_the_central_system_refusing_it(tmp_path, pki, systems):
    central = systems("--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), "--password", PASSWORD)
    status, lines = doctor(tmp_path, operator("billing", "wss://localhost:%d/ocpp" % central.port, "billing", 2,
                                              password="not-the-password-at-all", ca_file=pki.ca))
    assert status == 1
    found = steps(lines, "billing")
    assert found[2].startswith("ok    TLS: ")
    assert found[3] == ("FAIL  WebSocket: the Central System refused the password (HTTP 401 Unauthorized): "
                        "check the password, and that it knows charge point CP-E2E")
    assert central.wait_for(lambda e: e["event"] == "refused")["reason"] == "wrong credentials"


def test_a_central_system_that_does_not_speak_ocpp16_is_named(tmp_path, systems):
    central = systems("--no-subprotocol")
    status, lines = doctor(tmp_path, operator("cs", central.url, allow_insecure=True))
    assert status == 1
    assert steps(lines, "cs")[-2:] == [
        "--    TLS: none: ws:// is not encrypted (allow_insecure)",
        "FAIL  WebSocket: the Central System took the WebSocket but not subprotocol ocpp1.6 (it chose none): "
        "is this its OCPP 1.6 URL?",
    ]


def test_every_operator_is_checked_in_order_and_disabled_ones_are_not(tmp_path, systems):
    first, second = systems(), systems()
    status, lines = doctor(tmp_path,
                           operator("one", first.url, "home", allow_insecure=True),
                           operator("off", "ws://127.0.0.1:1/x", allow_insecure=True, enabled=False),
                           operator("two", second.url + "/{id}/", allow_insecure=True))
    assert status == 0, "\n".join(lines)
    named = [line[6:].split(":")[0] for line in lines if line[6:].startswith("operator ")]
    assert named == ["operator one"] * 4 + ["operator off"] + ["operator two"] * 4
    assert "--    operator off: disabled, not checked" in lines
    assert second.wait_for(lambda e: e["event"] == "connected")["path"] == "/ocpp/CP-E2E/"


def test_files_state_directory_and_gpio_chips_are_checked(tmp_path):
    installer = tmp_path / "install"
    installer.write_text("#!/bin/sh\n")
    installer.chmod(0o644)
    head = HEAD.replace('kind = "sim"', 'kind = "gpio"\npinmap = "%s"' % os.path.join(ROOT, "board", "raspberry-pi-4.toml"))
    status, lines = doctor(
        tmp_path,
        operator("cs", "wss://127.0.0.1:1/ocpp", ca_file=str(tmp_path / "missing-ca.pem")),
        head=head % "/proc/self",
        extra='[firmware]\ninstaller = "%s"\n' % installer)
    path = tmp_path / "chargeplex.toml"
    assert status == 1
    assert "ok    pin map %s: readable" % os.path.join(ROOT, "board", "raspberry-pi-4.toml") in lines
    assert "FAIL  CA file of operator cs %s: no such file (%s:16: operators[0].ca_file)" % (
        tmp_path / "missing-ca.pem", path) in lines
    assert "FAIL  firmware installer %s is not executable (chmod +x) (%s:18: firmware.installer)" % (installer, path) in lines
    assert ("FAIL  state directory: the agent cannot write in /proc/self: permission denied (%s:10: state.directory)"
            % path) in lines
    assert [line for line in lines if "GPIO chip" in line] == [
        "FAIL  GPIO chip main (pinctrl-bcm2711): not found on this machine (is the pin map for this board? "
        "`gpiodetect` lists the chips)"]


def test_a_gpio_chip_this_user_may_not_open_is_permission_denied(tmp_path):
    # A world-readable place for the files, a chip device only root may open.
    directory = tempfile.mkdtemp(prefix="chargeplex-doctor-")
    try:
        os.chmod(directory, 0o755)
        chip = os.path.join(directory, "gpiochip7")
        with open(chip, "w"):
            pass
        os.chmod(chip, 0o600)
        pin_map = os.path.join(directory, "board.toml")
        with open(os.path.join(ROOT, "board", "raspberry-pi-4.toml")) as f:
            text = f.read().replace('chip = "pinctrl-bcm2711"', 'chip = "%s"' % chip)
        with open(pin_map, "w") as f:
            f.write(text)
        os.chmod(pin_map, 0o644)
        head = HEAD.replace('kind = "sim"', 'kind = "gpio"\npinmap = "%s"' % pin_map)
        status, lines = doctor(directory, head=head % os.path.join(directory, "state"), user=65534)
        assert status == 1
        assert [line for line in lines if "GPIO chip" in line] == [
            "FAIL  GPIO chip main (%s): permission denied: %s: run as root, or as a user in the group that owns it "
            "(the package's udev rule gives group gpio the chips)" % (chip, chip)]
    finally:
        shutil.rmtree(directory)
