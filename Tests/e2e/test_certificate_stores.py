"""Per-operator certificate stores end to end: InstallCertificate, DeleteCertificate and
GetInstalledCertificateIds from two `ocpp` Central Systems that check every message against
the official schemas, with certificates made by the `openssl` command. The hashes the
charger lists are computed here independently (Python's `cryptography`), as the
whitepaper defines them."""
import hashlib
import os
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import Agent, CentralSystem, binary

PASSWORD = "0123456789abcdef"
CS_ROOT = "CentralSystemRootCertificate"
MANUFACTURER_ROOT = "ManufacturerRootCertificate"


def openssl(*arguments):
    return subprocess.run(["openssl", *arguments], check=True, capture_output=True, timeout=60).stdout


class RootsPki:
    """Roots for each operator and the manufacturer; two TLS authorities, each with a server
    certificate for localhost."""

    def __init__(self, directory):
        self.directory = str(directory)
        for name in ("home-root", "dc-root", "manufacturer-root", "old-ca", "new-ca"):
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", self.path(name, "key"), "-out", self.path(name), "-subj", "/CN=E2E %s" % name,
                    "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE")
        for server, issuer in (("old-server", "old-ca"), ("new-server", "new-ca")):
            with open(self.path(server, "ext"), "w") as f:
                f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", self.path(server, "key"), "-out", self.path(server, "csr"), "-subj", "/CN=localhost")
            openssl("x509", "-req", "-in", self.path(server, "csr"), "-CA", self.path(issuer), "-CAkey",
                    self.path(issuer, "key"), "-CAcreateserial", "-out", self.path(server), "-days", "2",
                    "-extfile", self.path(server, "ext"))

    def path(self, name, kind="pem"):
        return os.path.join(self.directory, "%s.%s" % (name, kind))

    def pem(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def hash_data(self, name):
        """CertificateHashDataType of a self-signed root, SHA-256: the issuer's DER name, the
        issuer's public key bits and the serial in hex without leading zeros."""
        certificate = x509.load_pem_x509_certificate(self.pem(name).encode())
        key_bits = certificate.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return {"hashAlgorithm": "SHA256",
                "issuerNameHash": hashlib.sha256(certificate.issuer.public_bytes()).hexdigest(),
                "issuerKeyHash": hashlib.sha256(key_bits).hexdigest(),
                "serialNumber": format(certificate.serial_number, "x")}

    def fingerprint(self, name):
        certificate = x509.load_pem_x509_certificate(self.pem(name).encode())
        return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return RootsPki(tmp_path_factory.mktemp("roots-pki"))


def answer(central, action, payload):
    """The charger's answer payload, checked against the schema by the Central System."""
    event = central.send(action, payload)
    assert "error" not in event and not event.get("timeout"), event
    assert "invalid" not in event, event
    return event["payload"]


def install(central, pki, name, use=CS_ROOT):
    return answer(central, "InstallCertificate", {"certificateType": use, "certificate": pki.pem(name)})["status"]


def listed(central, use=CS_ROOT):
    payload = answer(central, "GetInstalledCertificateIds", {"certificateType": use})
    return payload["status"], payload.get("certificateHashData", [])


def delete(central, pki, name):
    return answer(central, "DeleteCertificate", {"certificateHashData": pki.hash_data(name)})["status"]


@pytest.fixture
def two():
    home, dc = CentralSystem("home"), CentralSystem("dc")
    yield home, dc
    home.stop()
    dc.stop()


def test_each_operator_has_its_own_roots_and_only_home_changes_the_manufacturers(two, pki):
    home, dc = two
    agent = Agent([("home", home.url, "home"), ("dc", dc.url, "data-control")])
    try:
        agent.start()
        home.wait_for_call("BootNotification")
        dc.wait_for_call("BootNotification")

        assert listed(home) == ("NotFound", [])
        assert install(home, pki, "home-root") == "Accepted"
        assert install(dc, pki, "dc-root") == "Accepted"
        assert install(home, pki, "home-root") == "Accepted"  # once more: nothing changes
        assert listed(home) == ("Accepted", [pki.hash_data("home-root")])
        assert listed(dc) == ("Accepted", [pki.hash_data("dc-root")])

        # A data-control operator cannot touch what firmware the charger trusts; home can.
        assert install(dc, pki, "manufacturer-root", MANUFACTURER_ROOT) == "Rejected"
        assert listed(dc, MANUFACTURER_ROOT) == ("NotFound", [])
        assert install(home, pki, "manufacturer-root", MANUFACTURER_ROOT) == "Accepted"
        for central in (home, dc):
            assert listed(central, MANUFACTURER_ROOT) == ("Accepted", [pki.hash_data("manufacturer-root")])
        assert delete(dc, pki, "manufacturer-root") == "Failed"

        # Another operator's root does not exist for dc, and stays.
        assert delete(dc, pki, "home-root") == "NotFound"
        assert listed(home) == ("Accepted", [pki.hash_data("home-root")])

        roots = os.path.join(agent.state, "certs", "operators", "home", "roots")
        stored = os.path.join(roots, pki.fingerprint("home-root") + ".pem")
        assert os.listdir(roots) == [os.path.basename(stored)]
        assert os.stat(stored).st_mode & 0o777 == 0o600
        assert os.stat(roots).st_mode & 0o777 == 0o700

        # The stores survive a restart.
        agent.terminate()
        start = home.mark()
        agent.start()
        home.wait_for_call("BootNotification", after=start)
        dc.wait_for_call("BootNotification", after=start)
        assert listed(home) == ("Accepted", [pki.hash_data("home-root")])
        assert listed(dc) == ("Accepted", [pki.hash_data("dc-root")])
        assert listed(dc, MANUFACTURER_ROOT) == ("Accepted", [pki.hash_data("manufacturer-root")])

        # Its own roots an operator deletes; home deletes the manufacturer's.
        assert delete(dc, pki, "dc-root") == "Accepted"
        assert listed(dc) == ("NotFound", [])
        assert delete(home, pki, "manufacturer-root") == "Accepted"
        assert listed(home, MANUFACTURER_ROOT) == ("NotFound", [])
        assert home.invalid() == [] and dc.invalid() == []
    finally:
        agent.terminate()


def test_a_root_installed_over_ocpp_is_trusted_from_the_next_connection(pki, tmp_path):
    """Security profile 2 against a server of old-ca (the ca_file); the operator installs
    new-ca, then its server presents a certificate of new-ca: the charger reconnects with it,
    and will not delete the root its connection now depends on."""
    central = CentralSystem("secure", "--tls-cert", pki.path("old-server"), "--tls-key", pki.path("old-server", "key"),
                            "--password", PASSWORD)
    operator = "\n".join([
        "[[operators]]", 'name = "secure"', 'url = "wss://localhost:%d/ocpp"' % central.port, 'role = "home"',
        "security_profile = 2", 'password = "%s"' % PASSWORD, 'ca_file = "%s"' % pki.path("old-ca"), ""])
    agent = Agent([], extra=operator)
    try:
        agent.start()
        central.wait_for_call("BootNotification")
        assert install(central, pki, "new-ca") == "Accepted"

        # The Central System moves to a certificate of the new authority.
        central.arguments[central.arguments.index(pki.path("old-server"))] = pki.path("new-server")
        central.arguments[central.arguments.index(pki.path("old-server", "key"))] = pki.path("new-server", "key")
        central.go_offline()
        start = central.mark()
        central.come_back()
        central.wait_for_call("BootNotification", timeout=60, after=start)

        # The whitepaper: the root in use for the connection is not deleted (Failed).
        assert delete(central, pki, "new-ca") == "Failed"
        assert listed(central) == ("Accepted", [pki.hash_data("new-ca")])
        assert central.invalid() == []

        # The doctor checks with the same trust.
        result = subprocess.run([binary(), "doctor", "--config", agent.config, "--timeout", "10"],
                                capture_output=True, text=True, timeout=120)
        assert ("verified against ca_file %s or the 1 root(s) installed over OCPP" % pki.path("old-ca")) in result.stdout
    finally:
        agent.terminate()
        central.stop()
