#!/usr/bin/env python3
"""Loopback target for the JMeter fixture run: /health 200, /missing 404, /orders 200 with a body the test plan's
assertion rejects, /slow answers after 2 s (past the sampler's 300 ms response timeout). Usage: server.py PORT"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            self.answer(200, b'{"status":"up"}')
        elif self.path == "/orders":
            self.answer(200, b'{"id":17,"status":"pending"}')
        elif self.path == "/slow":
            time.sleep(2)
            self.answer(200, b'{"slow":true}')
        else:
            self.answer(404, b'{"error":"not found"}')

    def answer(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sampler gave up on /slow

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
