#!/usr/bin/env python3
"""The docker stand-in's container: on 127.0.0.1:PORT, GET /readyz answers 200 and POST
/metadata the JSON in FILE (what the image's packaged model serves), as the bento would."""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

port, served = int(sys.argv[1]), Path(sys.argv[2])


class Container(BaseHTTPRequestHandler):
    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._answer(200 if self.path == "/readyz" else 404, {})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        metadata = json.loads(served.read_text())
        if self.path != "/metadata" or metadata is None:
            self._answer(404, {"error": "no /metadata in this image"})
            return
        self._answer(200, metadata)

    def log_message(self, *args: object) -> None:
        pass


ThreadingHTTPServer(("127.0.0.1", port), Container).serve_forever()
