"""The bearer token never follows a redirect to another host."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from emulator import StaticTokenCredential

from scanner.auth import CLOUDS
from scanner.sources.graph import ARG_PATH, ArgClient, LiveScope


class _Recorder(BaseHTTPRequestHandler):
    """Answers every POST; the server's `answer(handler)` gives status, headers and body."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        server: Any = self.server
        server.seen.append({k.lower(): v for k, v in self.headers.items()})
        status, headers, body = server.answer(self)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _TlsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext, answer: Any) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.seen: list[dict[str, str]] = []
        self.answer = answer
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


@pytest.fixture
def servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_TlsServer, _TlsServer]]:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    empty = json.dumps({"data": [], "count": 0, "totalRecords": 0}).encode()
    elsewhere = _TlsServer(context, lambda h: (200, {"Content-Type": "application/json"}, empty))
    location = f"https://localhost:{elsewhere.port}{ARG_PATH}?api-version=2022-10-01"
    endpoint = _TlsServer(context, lambda h: (307, {"Location": location}, b""))
    try:
        yield endpoint, elsewhere
    finally:
        for server in (endpoint, elsewhere):
            server.shutdown()
            server.server_close()


def test_a_redirect_to_another_host_receives_no_bearer_token(servers):
    endpoint, elsewhere = servers
    credential = StaticTokenCredential("secret-token-value")
    client = ArgClient(credential, f"https://127.0.0.1:{endpoint.port}", CLOUDS["public"].token_scope, 10)
    page = client.post("resources | limit 1", LiveScope(), ["sub"], 10, None)
    assert page.rows == []
    assert endpoint.seen and endpoint.seen[0]["authorization"] == "Bearer secret-token-value"
    assert elsewhere.seen, "the redirect was not followed"
    assert all("authorization" not in headers for headers in elsewhere.seen)
    assert all("secret-token-value" not in json.dumps(headers) for headers in elsewhere.seen)
