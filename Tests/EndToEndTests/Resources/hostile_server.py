#!/usr/bin/env python3
"""A server that misbehaves on purpose, for flowbatch's transport tests.

  hostile_server.py tls DIR       HTTPS with a self-signed certificate made in DIR (never trusted)
  hostile_server.py redirect      plain HTTP answering every request 307 to another host

Prints "listening on PORT" once ready and serves until killed.
"""
import http.server
import os
import ssl
import subprocess
import sys


class Redirect(http.server.BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(307)
        self.send_header("Location", "https://elsewhere.example.com" + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_DELETE = answer

    def log_message(self, *args):
        pass


class Plain(Redirect):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_DELETE = answer


def main():
    mode = sys.argv[1]
    handler = Redirect if mode == "redirect" else Plain
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if mode == "tls":
        folder = sys.argv[2]
        key, cert = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
             "-days", "1", "-subj", "/CN=127.0.0.1"],
            check=True, capture_output=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
