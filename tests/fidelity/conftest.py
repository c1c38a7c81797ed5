"""Starts fakecloud once for the session and hands tests its URLs and CA file."""

import json
import os
import random
import subprocess
import tempfile
import urllib.request
import ssl
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTOSO = "contoso.onmicrosoft.com"


class FakeCloud:
    def __init__(self, proc, info):
        self.proc = proc
        self.https = info["https"]
        self.http = info["http"]
        self.ca = info["ca"]
        self._ctx = ssl.create_default_context(cafile=self.ca)

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.https}/_fakecloud/{path}", data=data, method=method,
            headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, context=self._ctx, timeout=10) as res:
            return json.loads(res.read() or b"null")

    def requests(self):
        return self.control("GET", "requests")

    def clear(self):
        self.control("DELETE", "requests")


@pytest.fixture(scope="session")
def fakecloud():
    binary = os.environ.get("FAKECLOUD_BIN") or str(ROOT / "target" / "debug" / "fakecloud")
    ca = Path(tempfile.mkdtemp()) / "ca.pem"
    # MSAL asks the user realm on port 443 of the authority's host, whatever port the authority
    # names. A loopback address of our own lets fakecloud answer there without clashing.
    host = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
    proc = subprocess.Popen([binary, "--ca-out", str(ca), "--host", host, "--https-port", "443"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError("fakecloud did not start")
    cloud = FakeCloud(proc, json.loads(line))
    yield cloud
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _requests_env(monkeypatch):
    # These override `verify=` inside requests; MSAL must trust only our CA.
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
