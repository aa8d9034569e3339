"""An operator changes its own connection (OCPP 1.6 security whitepaper A01, A02/A03, A05)
against real Central Systems (the `ocpp` library with schema validation, TLS with
certificates made by `openssl`): a new AuthorizationKey, a higher SecurityProfile, a
renewed client certificate. Each is used on a new connection, and the agent goes back to
what it had when that connection fails."""
import binascii
import json
import os
import stat
import subprocess
import time

import pytest

from harness import Agent, CentralSystem, free_port, wait_until
from pki import Pki

PASSWORD = "first-password-0123"
SECOND = "second-password-4567"
THIRD = "third-password-89abc"


def hexed(password):
    return binascii.hexlify(password.encode()).decode()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki-other"))


@pytest.fixture
def started():
    """Central Systems and agents a test starts, stopped after it (events kept on failure)."""
    things = []

    def keep(thing):
        things.append(thing)
        return thing
    yield keep
    for thing in reversed(things):
        if isinstance(thing, Agent):
            thing.terminate()
        else:
            thing.stop()


def operator(name, port, profile, pki, role="home", **keys):
    lines = ["[[operators]]", 'name = "%s"' % name, 'url = "wss://localhost:%d/ocpp"' % port, 'role = "%s"' % role,
             "security_profile = %d" % profile, 'ca_file = "%s"' % pki.ca]
    lines += ["%s = %s" % (key, json.dumps(value)) for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def tls_system(pki, *arguments):
    return CentralSystem("security", "--tls-cert", pki.certificate("server"), "--tls-key", pki.key("server"), *arguments)


def serial(certificate_pem):
    out = subprocess.run(["openssl", "x509", "-noout", "-serial"], input=certificate_pem, capture_output=True,
                         text=True, check=True).stdout
    return out.strip().split("=", 1)[1].upper()


def file_serial(path):
    with open(path) as f:
        return serial(f.read())


def sign(pki, csr, directory, days=30):
    """The CA of `pki` signs `csr` as a client certificate; its PEM."""
    request = os.path.join(str(directory), "renewal-%d.csr" % time.monotonic_ns())
    extensions = request + ".ext"
    with open(request, "w") as f:
        f.write(csr)
    with open(extensions, "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    return subprocess.run(
        ["openssl", "x509", "-req", "-in", request, "-CA", pki.ca, "-CAkey", pki.key("ca"), "-CAcreateserial",
         "-days", str(days), "-extfile", extensions], capture_output=True, text=True, check=True).stdout


def subject(csr):
    return subprocess.run(["openssl", "req", "-noout", "-subject", "-nameopt", "RFC2253"], input=csr,
                          capture_output=True, text=True, check=True).stdout.strip()


def long_lived_client(pki, directory, name):
    """A client certificate (CN=CP-E2E) of `pki`'s CA valid for 60 days: not yet due for renewal.
    (certificate file, key file)."""
    key = os.path.join(str(directory), name + ".key")
    csr = subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                          "-keyout", key, "-subj", "/CN=CP-E2E"], capture_output=True, text=True, check=True).stdout
    certificate = os.path.join(str(directory), name + ".pem")
    with open(certificate, "w") as f:
        f.write(sign(pki, csr, directory, days=60))
    return certificate, key


def registered_after(system, start, timeout=60):
    """The connected event after `start` that was followed by a BootNotification and the status of
    the last connector (the opening done); (connected, boot)."""
    connected = system.wait_for(lambda e: e["event"] == "connected", timeout, start)
    index = system.events.index(connected)
    boot = system.wait_for(lambda e: e["event"] == "call" and e["action"] == "BootNotification", timeout, index)
    system.wait_for_call("StatusNotification", timeout, system.events.index(boot), connectorId=2)
    return connected, boot


def security_event(system, start, kind, timeout=60):
    return system.wait_for_call("SecurityEventNotification", timeout, start, type=kind)["payload"]


def change(system, key, value):
    return system.send("ChangeConfiguration", {"key": key, "value": value})["payload"]["status"]


def configured(system, key):
    answer = system.send("GetConfiguration", {"key": [key]})["payload"]
    return answer["configurationKey"][0].get("value")


def test_a_profile_upgrade_from_2_to_3_continues_on_mutual_tls(tmp_path, pki, started):
    system = started(tls_system(pki, "--password", PASSWORD, "--tls-client-ca", pki.ca, "--tls-client-optional"))
    agent = started(Agent([], extra=operator("cpo", system.port, 2, pki, password=PASSWORD,
                                             client_certificate=pki.certificate("client"), client_key=pki.key("client"))).start())
    connected, _ = registered_after(system, 0)
    assert connected["authorization"] == "basic" and connected["clientSerial"] is None
    assert configured(system, "SecurityProfile") == "2"

    for lower in ("0", "1", "2"):
        assert change(system, "SecurityProfile", lower) == "Rejected"
    start = system.mark()
    assert change(system, "SecurityProfile", "3") == "Accepted"
    connected, _ = registered_after(system, start)
    assert connected["clientSerial"] == file_serial(pki.certificate("client"))
    assert connected["authorization"] == "none"
    event = security_event(system, start, "ReconfigurationOfSecurityParameters")
    assert event["techInfo"] == "SecurityProfile 2 to 3: in force"
    assert configured(system, "SecurityProfile") == "3"
    assert change(system, "SecurityProfile", "2") == "Rejected"

    # The profile outlives a restart: the file still says 2.
    agent.terminate()
    start = system.mark()
    agent.start()
    connected, _ = registered_after(system, start)
    assert connected["clientSerial"] == file_serial(pki.certificate("client"))
    assert system.invalid() == []


def test_a_failed_upgrade_falls_back_to_profile_2(tmp_path, pki, other_pki, started):
    # The server trusts no client certificate of ours: profile 3 cannot connect.
    system = started(tls_system(pki, "--password", PASSWORD, "--tls-client-ca", other_pki.ca, "--tls-client-optional"))
    started(Agent([], extra=operator("cpo", system.port, 2, pki, password=PASSWORD,
                                     client_certificate=pki.certificate("client"), client_key=pki.key("client"))).start())
    registered_after(system, 0)
    start = system.mark()
    assert change(system, "SecurityProfile", "3") == "Accepted"
    event = security_event(system, start, "ReconfigurationOfSecurityParameters")
    assert event["techInfo"] == "SecurityProfile 2 to 3: the new connection failed, back to the previous settings"
    connected = [e for e in system.events[start:] if e["event"] == "connected"][-1]
    assert connected["authorization"] == "basic" and connected["clientSerial"] is None
    assert configured(system, "SecurityProfile") == "2"
    assert system.invalid() == []


def test_a_new_authorization_key_is_used_and_a_refused_one_falls_back(tmp_path, pki, started):
    system = started(tls_system(pki, "--password", PASSWORD))
    agent = started(Agent([], extra=operator("cpo", system.port, 2, pki, password=PASSWORD)).start())
    registered_after(system, 0)
    # Not 16 to 20 octets in hex; profile 3 without a client certificate.
    assert change(system, "AuthorizationKey", SECOND) == "Rejected"
    assert change(system, "AuthorizationKey", hexed("fifteen-octets!")) == "Rejected"
    assert change(system, "SecurityProfile", "3") == "Rejected"

    system.command(password=SECOND)
    start = system.mark()
    assert change(system, "AuthorizationKey", hexed(SECOND)) == "Accepted"
    registered_after(system, start)
    assert security_event(system, start, "ReconfigurationOfSecurityParameters")["techInfo"] == "AuthorizationKey: in force"
    assert configured(system, "AuthorizationKey") is None

    # The Central System does not know the next key: refused, and the agent goes back.
    start = system.mark()
    assert change(system, "AuthorizationKey", hexed(THIRD)) == "Accepted"
    refused = system.wait_for(lambda e: e["event"] == "refused", 60, start)
    assert refused["status"] == 401
    event = security_event(system, start, "ReconfigurationOfSecurityParameters")
    assert event["techInfo"] == "AuthorizationKey: the new connection failed, back to the previous settings"

    # The key set over OCPP outlives a restart and wins over the file's password.
    agent.terminate()
    start = system.mark()
    agent.start()
    connected, _ = registered_after(system, start)
    assert not [e for e in system.events[start:] if e["event"] == "refused"]
    assert system.invalid() == []


def renew(system, agent, pki, directory, name):
    """Asks for a renewal, signs the request with `pki`'s CA and sends it; (certificate, answer, seconds
    from the CertificateSigned leaving to the BootNotification on the new connection)."""
    start = system.mark()
    answer = system.send("ExtendedTriggerMessage", {"requestedMessage": "SignChargePointCertificate"})
    assert answer["payload"]["status"] == "Accepted"
    csr = system.wait_for_call("SignCertificate", 60, start)["payload"]["csr"]
    certificate = sign(pki, csr, directory)
    start = system.mark()
    sent = time.monotonic()
    status = system.send("CertificateSigned", {"certificateChain": certificate})["payload"]["status"]
    return csr, certificate, status, start, sent


def test_two_operators_each_renew_their_own_client_certificate(tmp_path, pki, other_pki, started):
    first = started(tls_system(pki, "--tls-client-ca", pki.ca))
    second = started(tls_system(other_pki, "--tls-client-ca", other_pki.ca))
    alpha = long_lived_client(pki, tmp_path, "alpha")
    beta = long_lived_client(other_pki, tmp_path, "beta")
    agent = started(Agent([], extra=operator("alpha", first.port, 3, pki, client_certificate=alpha[0], client_key=alpha[1])
                          + operator("beta", second.port, 3, other_pki, role="data-control",
                                     client_certificate=beta[0], client_key=beta[1])).start())
    registered_after(first, 0)
    registered_after(second, 0)
    assert change(first, "CpoName", "Alpha Charging") == "Accepted"
    figures = []
    for system, own, name, organization in ((first, pki, "alpha", "Alpha Charging"), (second, other_pki, "beta", None)):
        csr, certificate, status, start, sent = renew(system, agent, own, tmp_path, name)
        assert status == "Accepted"
        assert subject(csr) == "subject=" + ("O=%s,CN=CP-E2E" % organization if organization else "CN=CP-E2E")
        connected, boot = registered_after(system, start)
        figures.append(time.monotonic() - sent)
        assert connected["clientSerial"] == serial(certificate)
        folder = os.path.join(agent.state, "certs", "operators", name, "client")
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        files = sorted(os.listdir(folder))
        assert [f.rsplit(".", 1)[1] for f in files] == ["key", "pem"]
        for f in files:
            assert stat.S_IMODE(os.stat(os.path.join(folder, f)).st_mode) == 0o600
        assert security_event(system, start, "ReconfigurationOfSecurityParameters")["techInfo"].endswith(": in force")
    made = [line.rsplit("took=", 1)[1] for line in agent.logs().splitlines() if "new key and signing request made" in line]
    print("CertificateSigned to BootNotification on the new TLS session: %s s; key and CSR made in %s"
          % (", ".join("%.3f" % f for f in figures), ", ".join(made)))

    # The new identities outlive a restart.
    agent.terminate()
    starts = (first.mark(), second.mark())
    agent.start()
    for system, start, old in zip((first, second), starts, (alpha, beta)):
        connected, _ = registered_after(system, start)
        assert connected["clientSerial"] != file_serial(old[0])
    assert first.invalid() == [] and second.invalid() == []


def test_a_bad_chain_is_refused_and_the_old_certificate_stays(tmp_path, pki, other_pki, started):
    system = started(tls_system(pki, "--tls-client-ca", pki.ca))
    alpha = long_lived_client(pki, tmp_path, "alpha")
    agent = started(Agent([], extra=operator("alpha", system.port, 3, pki, client_certificate=alpha[0],
                                             client_key=alpha[1])).start())
    registered_after(system, 0)
    # Signed by another operator's CA; then a certificate for another key (the old one).
    csr, certificate, status, start, _ = renew(system, agent, other_pki, tmp_path, "alpha")
    assert status == "Rejected"
    assert "InvalidChargePointCertificate" == security_event(system, start, "InvalidChargePointCertificate")["type"]
    with open(alpha[0]) as f:
        assert system.send("CertificateSigned", {"certificateChain": f.read()})["payload"]["status"] == "Rejected"
    system.settle()
    assert not [e for e in system.events[start:] if e["event"] in ("connected", "disconnected")]
    assert not os.path.exists(os.path.join(agent.state, "certs", "operators", "alpha", "client"))
    agent.terminate()
    start = system.mark()
    agent.start()
    connected, _ = registered_after(system, start)
    assert connected["clientSerial"] == file_serial(alpha[0])
    assert system.invalid() == []


def test_a_certificate_near_its_end_is_renewed_unasked_and_asked_for_again(tmp_path, pki, started):
    system = started(tls_system(pki, "--tls-client-ca", pki.ca))
    # The first SignCertificate fails; the next two are answered but no certificate comes.
    system.command(fail="SignCertificate", times=1)
    # pki's client certificate ends in two days.
    agent = started(Agent([], ocpp={"CertSigningWaitMinimum": "1", "CertSigningRepeatTimes": "2"},
                          extra=operator("alpha", system.port, 3, pki, client_certificate=pki.certificate("client"),
                                         client_key=pki.key("client"))).start())
    registered_after(system, 0)
    first = system.wait_for_call("SignCertificate", 30)
    index = system.events.index(first)
    system.wait_for_call("SignCertificate", 30, index + 1)
    wait_until(lambda: "renewal given up" in agent.logs(), 30, "the renewal given up after 3 attempts")
    assert len(system.calls("SignCertificate")) == 3
    assert len({call["payload"]["csr"] for call in system.calls("SignCertificate")}) == 1
    assert system.invalid() == []



OPENSSL_WITH_TPM = """openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
tpm2 = tpm2_sect
[default_sect]
activate = 1
[tpm2_sect]
activate = 1
"""


class SoftwareTPM:
    """swtpm behind the tpm2-abrmd resource manager (on a D-Bus session bus of its own),
    reached by tpm2-tools and OpenSSL's tpm2 provider as a charger reaches its TPM through
    the kernel's /dev/tpmrm0. Without a resource manager the TPM's few object slots run out
    within one TLS handshake."""

    TOOLS = ("/usr/bin/swtpm", "/usr/sbin/tpm2-abrmd", "/usr/bin/dbus-daemon", "/usr/bin/tpm2_createprimary")

    def __init__(self, directory):
        self.directory = str(directory)
        self.processes = []
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        os.makedirs(os.path.join(self.directory, "state"), exist_ok=True)
        port = self._start_swtpm()
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
        self.processes.append(bus)
        address = bus.stdout.readline().strip()
        config = os.path.join(self.directory, "openssl.cnf")
        with open(config, "w") as f:
            f.write(OPENSSL_WITH_TPM)
        tcti = "tabrmd:bus_type=session"
        self.env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address, TPM2TOOLS_TCTI=tcti, TPM2OPENSSL_TCTI=tcti,
                        OPENSSL_CONF=config)
        self.processes.append(subprocess.Popen(
            ["tpm2-abrmd", "--session", "--allow-root", "--tcti=swtpm:host=127.0.0.1,port=%d" % port],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_until(lambda: self.run("tpm2_getrandom", "--hex", "4", check=False).returncode == 0, 20, "tpm2-abrmd answers")

    def _start_swtpm(self):
        """Starts swtpm on a free port and the next one (its TCTI finds the control channel
        there); another port when the next one was taken."""
        for _ in range(5):
            port = free_port()
            process = subprocess.Popen(
                ["swtpm", "socket", "--tpm2", "--tpmstate", "dir=%s/state" % self.directory,
                 "--server", "type=tcp,port=%d,bindaddr=127.0.0.1" % port,
                 "--ctrl", "type=tcp,port=%d,bindaddr=127.0.0.1" % (port + 1), "--flags", "not-need-init,startup-clear"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.processes.append(process)
            probe = dict(os.environ, TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=%d" % port)
            wait_until(lambda: process.poll() is not None or subprocess.run(
                ["tpm2_getrandom", "--hex", "4"], capture_output=True, env=probe).returncode == 0, 20, "swtpm answers")
            if process.poll() is None:
                return port
        raise AssertionError("swtpm did not start on five ports")

    def run(self, *command, check=True):
        return subprocess.run(command, cwd=self.directory, env=self.env, capture_output=True, text=True,
                              check=check, timeout=60)

    def persistent_key(self, handle):
        """A P-256 key made in the TPM and kept at `handle`; its secret never leaves it."""
        self.run("tpm2_createprimary", "-C", "o", "-c", "primary.ctx", "-Q")
        self.run("tpm2_create", "-C", "primary.ctx", "-G", "ecc256:ecdsa-sha256", "-u", "k.pub", "-r", "k.priv", "-Q")
        self.run("tpm2_load", "-C", "primary.ctx", "-u", "k.pub", "-r", "k.priv", "-c", "k.ctx", "-Q")
        self.run("tpm2_evictcontrol", "-C", "o", "-c", "k.ctx", handle)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


# Not under emulation: the arm64 root has no tpm2 provider for the emulated agent to load.
@pytest.mark.skipif(os.environ.get("CHARGEPLEX_E2E_ARCH") == "aarch64", reason="no tpm2 provider in the arm64 root")
@pytest.mark.skipif(not all(os.path.exists(tool) for tool in SoftwareTPM.TOOLS),
                    reason="swtpm, tpm2-abrmd, dbus or tpm2-tools missing (scripts/setup installs them)")
def test_a_client_key_kept_in_a_tpm_connects_and_is_renewed_in_it(tmp_path, pki, started):
    tpm = SoftwareTPM(tmp_path / "tpm")
    try:
        tpm.persistent_key("0x81000001")
        csr = tpm.run("openssl", "req", "-new", "-propquery", "?provider=tpm2", "-key", "handle:0x81000001",
                      "-subj", "/CN=CP-E2E").stdout
        certificate = os.path.join(str(tmp_path), "tpm-client.pem")
        with open(certificate, "w") as f:
            f.write(sign(pki, csr, tmp_path, days=60))
        system = started(tls_system(pki, "--tls-client-ca", pki.ca))
        agent = started(Agent([], extra=operator("alpha", system.port, 3, pki, client_certificate=certificate,
                                                 client_key="handle:0x81000001")))
        agent.start(env={key: tpm.env[key] for key in ("DBUS_SESSION_BUS_ADDRESS", "TPM2OPENSSL_TCTI", "OPENSSL_CONF")})
        connected, _ = registered_after(system, 0)
        assert connected["clientSerial"] == file_serial(certificate)

        # The renewed key is made in the TPM too: on disk only as the TPM's wrapped blob.
        csr, renewed, status, start, _ = renew(system, agent, pki, tmp_path, "alpha")
        assert status == "Accepted"
        connected, _ = registered_after(system, start)
        assert connected["clientSerial"] == serial(renewed)
        folder = os.path.join(agent.state, "certs", "operators", "alpha", "client")
        [key] = [f for f in os.listdir(folder) if f.endswith(".key")]
        with open(os.path.join(folder, key)) as f:
            text = f.read()
        assert "BEGIN TSS2 PRIVATE KEY" in text and "BEGIN PRIVATE KEY" not in text
        assert system.invalid() == []
    finally:
        tpm.stop()
