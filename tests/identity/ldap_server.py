"""A throw-away OpenLDAP ``slapd`` for the directory login tests: its own slapd.conf, an mdb
database seeded from LDIF (people, groups, disabled people), a certificate authority and a
server certificate made by ``openssl``, listening on free loopback ports (ldap:// with StartTLS,
and ldaps://). Never the system's slapd: each pytest-xdist worker starts its own."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
INSTALL_HINT = "OpenLDAP's server is not installed: sudo apt-get install slapd ldap-utils"

BASE = "dc=pramern,dc=test"
ROOT_DN = f"cn=admin,{BASE}"
ROOT_PASSWORD = "root-secret"
READER_DN = f"cn=pramern-reader,ou=system,{BASE}"
READER_PASSWORD = "reader-secret"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"


@dataclass(frozen=True)
class Person:
    uid: str
    password: str
    first_name: str
    last_name: str
    email: str
    account_control: int | None = None  # Active Directory's userAccountControl (514: disabled)

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


PEOPLE_SEEDED = [
    Person("somchai", "somchai-pass", "สมชาย", "ใจดี", "somchai@oae.test"),
    Person("malee", "malee-pass", "มาลี", "สีสวย", "malee@oae.test"),
    Person("preecha", "preecha-pass", "ปรีชา", "ลาออก", "preecha@oae.test"),  # in cn=disabled
    Person("wichai", "wichai-pass", "วิชัย", "พักงาน", "wichai@oae.test", account_control=514),
    Person("kanya", "kanya-pass", "กันยา", "ทำงาน", "kanya@oae.test", account_control=512),
]
#: group cn -> members' uids
GROUPS_SEEDED = {
    "evaluators": ["somchai"],
    "executives": ["kanya"],
    "administrators": ["kanya"],
    "disabled": ["preecha"],
}

#: Active Directory's account flags, enough to test them on OpenLDAP (the OID is Microsoft's).
AD_SCHEMA = """\
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.11.99.1 NAME 'pramernTestAccount'
  SUP top AUXILIARY MAY userAccountControl )
"""


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _value(attribute: str, value: str) -> str:
    """An LDIF line; values that are not plain ASCII (Thai names) are base64, as LDIF requires."""
    if value.isascii():
        return f"{attribute}: {value}"
    return f"{attribute}:: {base64.b64encode(value.encode()).decode()}"


def seed_ldif() -> str:
    entries = [
        [f"dn: {BASE}", "objectClass: dcObject", "objectClass: organization", "o: Pramern test", "dc: pramern"],
        [f"dn: {PEOPLE}", "objectClass: organizationalUnit", "ou: people"],
        [f"dn: {GROUPS}", "objectClass: organizationalUnit", "ou: groups"],
        [f"dn: ou=system,{BASE}", "objectClass: organizationalUnit", "ou: system"],
        [
            f"dn: {READER_DN}",
            "objectClass: organizationalRole",
            "objectClass: simpleSecurityObject",
            "cn: pramern-reader",
            f"userPassword: {READER_PASSWORD}",
        ],
    ]
    for person in PEOPLE_SEEDED:
        entry = [f"dn: {person.dn}", "objectClass: inetOrgPerson", f"uid: {person.uid}"]
        entry += [_value("cn", f"{person.first_name} {person.last_name}"), _value("givenName", person.first_name)]
        entry += [_value("sn", person.last_name), f"mail: {person.email}", f"userPassword: {person.password}"]
        if person.account_control is not None:
            entry += ["objectClass: pramernTestAccount", f"userAccountControl: {person.account_control}"]
        entries.append(entry)
    for cn, members in GROUPS_SEEDED.items():
        entry = [f"dn: {group_dn(cn)}", "objectClass: groupOfNames", f"cn: {cn}"]
        entry += [f"member: uid={uid},{PEOPLE}" for uid in members]
        entry += [f"member: cn=nobody,{BASE}"]  # groupOfNames needs a member when a test takes its last away
        entries.append(entry)
    return "\n\n".join("\n".join(entry) for entry in entries) + "\n"


def slapd_conf(folder: Path) -> str:
    return f"""\
include {SCHEMA}/core.schema
include {SCHEMA}/cosine.schema
include {SCHEMA}/inetorgperson.schema
include {folder}/ad.schema
pidfile {folder}/slapd.pid
modulepath {MODULES}
moduleload back_mdb
TLSCACertificateFile {folder}/ca.crt
TLSCertificateFile {folder}/server.crt
TLSCertificateKeyFile {folder}/server.key

database mdb
suffix "{BASE}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {folder}/data
maxsize 10485760
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
"""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder: Path) -> None:
    """A certificate authority and a server certificate for 127.0.0.1 signed by it (a day long)."""
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=Pramern test CA",
             "-keyout", "ca.key", "-out", "ca.crt", cwd=folder)  # fmt: skip
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
             "-out", "server.csr", cwd=folder)  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "san.ext", "-out", "server.crt", cwd=folder)  # fmt: skip
    # A second authority that signed nothing here: a client trusting only it must refuse the server.
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=Someone else",
             "-keyout", "other-ca.key", "-out", "other-ca.crt", cwd=folder)  # fmt: skip


class LdapServer:
    """One running slapd; ``stop()`` ends it (the fixture does)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.tls_port = 0

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def ca_file(self) -> str:
        return str(self.folder / "ca.crt")

    @property
    def other_ca_file(self) -> str:
        return str(self.folder / "other-ca.crt")

    def start(self) -> None:
        folder = self.folder
        (folder / "data").mkdir()
        (folder / "ad.schema").write_text(AD_SCHEMA)
        make_certificates(folder)
        (folder / "slapd.conf").write_text(slapd_conf(folder))
        (folder / "seed.ldif").write_text(seed_ldif(), encoding="utf-8")
        subprocess.run(
            [str(SLAPADD), "-f", str(folder / "slapd.conf"), "-l", str(folder / "seed.ldif")],
            check=True,
            capture_output=True,
        )
        for _ in range(5):  # another process may take a free port before slapd binds it
            self.port, self.tls_port = free_port(), free_port()
            with (folder / "slapd.log").open("ab") as log:  # slapd keeps its own copy of the file
                self.process = subprocess.Popen(
                    [str(SLAPD), "-f", str(folder / "slapd.conf"), "-h", f"{self.url}/ {self.ldaps_url}/", "-d", "0"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_until_listening():
                return
            self.stop()
        raise RuntimeError(f"slapd did not start: {(folder / 'slapd.log').read_text(errors='replace')[-2000:]}")

    def _wait_until_listening(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    with socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.5):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # slapd shuts its database cleanly on TERM
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def modify(self, dn: str, changes: list[tuple[int, str, list[str]]]) -> None:
        """Changes an entry as the directory's administrator (python-ldap, as Pramern connects)."""
        import ldap

        connection = ldap.initialize(self.url, bytes_mode=False)
        try:
            connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
            connection.modify_s(dn, [(op, attr, [v.encode() for v in values]) for op, attr, values in changes])
        finally:
            connection.unbind_s()


def available() -> bool:
    return SLAPD.exists() and SLAPADD.exists() and shutil.which("openssl") is not None and os.access(SLAPD, os.X_OK)
