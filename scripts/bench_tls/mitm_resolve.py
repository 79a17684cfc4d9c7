"""mitmproxy addon for scripts/bench_tls.sh: sends BENCH_NAME to 127.0.0.1:BENCH_ORIGIN_PORT.

mitmproxy has no hosts file and resolves with the system resolver. With the default
connection_strategy=eager it connects to the CONNECT target before the client's TLS
handshake: server_connect rewrites that address (the upstream SNI and certificate check
keep the client's SNI, the real name). Requests inside the tunnel take their destination
from the Host header; requestheaders points them at the same address, so that they reuse
the tunnel's upstream connection instead of opening one per request. Host is unchanged.
"""
import os

NAME = os.environ["BENCH_NAME"]
TARGET = ("127.0.0.1", int(os.environ["BENCH_ORIGIN_PORT"]))


def server_connect(data):
    if data.server.address and data.server.address[0] == NAME:
        data.server.address = TARGET


def requestheaders(flow):
    if flow.request.host == NAME:
        flow.request.data.host, flow.request.data.port = TARGET
