"""A throw-away PKI made with the `openssl` command, for tests over TLS: a CA, a second
CA nobody trusts, server certificates for the right and a wrong host name, and a client
certificate for security profile 3."""
import os
import subprocess


class Pki:
    def __init__(self, directory):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)
        self._self_signed("ca", "/CN=Chargeplex Test CA")
        self._self_signed("otherca", "/CN=Unknown Test CA")
        self._issued("server", "/CN=localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        self._issued("wronghost", "/CN=wrong.example", "ca", "subjectAltName=DNS:wrong.example")
        self._issued("client", "/CN=CP-E2E", "ca", "extendedKeyUsage=clientAuth")

    def certificate(self, name):
        return os.path.join(self.directory, name + ".pem")

    def key(self, name):
        return os.path.join(self.directory, name + ".key")

    @property
    def ca(self):
        return self.certificate("ca")

    def _openssl(self, *arguments):
        subprocess.run(["openssl", *arguments], check=True, capture_output=True, timeout=60)

    def _self_signed(self, name, subject):
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                      "-keyout", self.key(name), "-out", self.certificate(name), "-subj", subject, "-days", "2")

    def _issued(self, name, subject, issuer, extensions):
        request = os.path.join(self.directory, name + ".csr")
        extension_file = os.path.join(self.directory, name + ".ext")
        with open(extension_file, "w") as f:
            f.write(extensions + "\n")
        self._openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                      "-keyout", self.key(name), "-out", request, "-subj", subject)
        self._openssl("x509", "-req", "-in", request, "-CA", self.certificate(issuer), "-CAkey", self.key(issuer),
                      "-CAcreateserial", "-out", self.certificate(name), "-days", "2", "-extfile", extension_file)
