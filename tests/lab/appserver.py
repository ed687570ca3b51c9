#!/usr/bin/env python3
"""The lab's services: what db and app answer on their TCP ports, in the protocols' own first bytes.

  appserver.py --control DIR [--cert CERT --key KEY] PORT=MODE ...

Listens on every address of its namespace. Each connection reads DIR/ADDR:PORT (ADDR the local
address it arrived on) for a mode that overrides the port's own: so a lab fault changes what the
private address answers and leaves the public one alone. Modes:

  postgres      answers the SSLRequest with 'N'           postgres-tls  'S', then a TLS handshake
  tls           a TLS handshake                            tls-sni       refuses every SNI (alert)
  http          HTTP/1.1 200 to any request                http-503      HTTP/1.1 503 (a proxy without backend)
  redis         +PONG      redis-auth  -NOAUTH
  mysql         a MySQL protocol-10 greeting               ssh           an SSH banner, first
  silent        accepts, reads, never answers              reset         accepts, then RST
  close         accepts, then FIN without a word           speak-http    HTTP/1.1 400 to any bytes
  slow          an HTTP answer, one byte a second          huge          a MySQL greeting without end
  flaky-MODE    every other connection (the 1st, 3rd, ...) in MODE, the others in the port's own
"""
import os
import socket
import ssl
import struct
import sys
import threading
import time

HOLD = 30  # seconds a connection is kept at most


def read_some(conn, n=65536, timeout=HOLD):
    conn.settimeout(timeout)
    try:
        return conn.recv(n)
    except (OSError, socket.timeout):
        return b""


def drain(conn):
    """Read until the client closes (or HOLD passes)."""
    end = time.monotonic() + HOLD
    while time.monotonic() < end:
        if not read_some(conn, timeout=max(0.1, end - time.monotonic())):
            return


def tls_wrap(conn, ctx):
    conn.settimeout(5)
    try:
        s = ctx.wrap_socket(conn, server_side=True)
        drain(s)
    except (OSError, ssl.SSLError):
        pass


def mysql_greeting():
    version = b"8.0.36-vpclab\x00"
    body = bytes([10]) + version + struct.pack("<I", 7) + b"abcdefgh\x00" + struct.pack("<H", 0xF7FF) + bytes([33]) + \
        struct.pack("<H", 2) + struct.pack("<H", 0x81FF) + bytes([21]) + b"\x00" * 10 + b"ijklmnopqrst\x00" + \
        b"mysql_native_password\x00"
    return struct.pack("<I", len(body))[:3] + b"\x00" + body


def serve(conn, mode, tls_ctx, sni_ctx):
    if mode == "postgres" or mode == "postgres-tls":
        data = read_some(conn, 8, timeout=5)
        if data == struct.pack(">II", 8, 80877103):
            if mode == "postgres-tls":
                conn.sendall(b"S")
                return tls_wrap(conn, tls_ctx)
            conn.sendall(b"N")
        return drain(conn)
    if mode == "tls":
        return tls_wrap(conn, tls_ctx)
    if mode == "tls-sni":
        return tls_wrap(conn, sni_ctx)
    if mode in ("http", "http-503"):
        if read_some(conn, timeout=5):
            status = b"200 OK" if mode == "http" else b"503 Service Unavailable"
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nServer: vpclab\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return drain(conn)
    if mode in ("redis", "redis-auth"):
        if read_some(conn, timeout=5):
            conn.sendall(b"+PONG\r\n" if mode == "redis" else b"-NOAUTH Authentication required.\r\n")
        return drain(conn)
    if mode == "mysql":
        conn.sendall(mysql_greeting())
        return drain(conn)
    if mode == "ssh":
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        return drain(conn)
    if mode == "silent":
        return drain(conn)
    if mode == "reset":
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return
    if mode == "close":
        conn.shutdown(socket.SHUT_WR)
        return drain(conn)
    if mode == "speak-http":
        if read_some(conn, timeout=5):
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: vpclab-proxy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return drain(conn)
    if mode == "slow":
        for b in b"HTTP/1.1 200 OK\r\nServer: slowloris\r\n\r\n":
            conn.sendall(bytes([b]))
            time.sleep(1)
        return
    if mode == "huge":  # a greeting that claims 16 MB and never ends
        conn.sendall(b"\xff\xff\xff\x00" + bytes([10]))
        chunk = b"a" * 65536
        end = time.monotonic() + HOLD
        while time.monotonic() < end:
            conn.sendall(chunk)
        return
    drain(conn)


COUNTS = {}
COUNT_LOCK = threading.Lock()


def handle(conn, port, default, control, tls_ctx, sni_ctx):
    try:
        mode = default
        local = conn.getsockname()[0]
        if local.startswith("::ffff:"):  # an IPv4 client of the dual-stack socket
            local = local[len("::ffff:"):]
        key = "%s:%d" % (local, port)
        try:
            with open(os.path.join(control, key)) as f:
                mode = f.read().strip() or default
        except OSError:
            pass
        if mode.startswith("flaky-"):
            with COUNT_LOCK:
                COUNTS[key] = COUNTS.get(key, 0) + 1
                odd = COUNTS[key] % 2 == 1
            mode = mode[len("flaky-"):] if odd else default
        serve(conn, mode, tls_ctx, sni_ctx)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def listen(port, default, control, tls_ctx, sni_ctx):
    # one dual-stack socket: IPv6 clients, and IPv4 ones as ::ffff:a.b.c.d
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(512)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=handle, args=(conn, port, default, control, tls_ctx, sni_ctx), daemon=True).start()


def main(argv):
    control, cert, key, ports = None, None, None, []
    i = 0
    while i < len(argv):
        if argv[i] in ("--control", "--cert", "--key"):
            if argv[i] == "--control":
                control = argv[i + 1]
            elif argv[i] == "--cert":
                cert = argv[i + 1]
            else:
                key = argv[i + 1]
            i += 2
            continue
        port, mode = argv[i].split("=", 1)
        ports.append((int(port), mode))
        i += 1
    tls_ctx = sni_ctx = None
    if cert:
        tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_ctx.load_cert_chain(cert, key)
        sni_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sni_ctx.load_cert_chain(cert, key)
        sni_ctx.sni_callback = lambda sock, name, ctx: ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
    threads = [threading.Thread(target=listen, args=(p, m, control, tls_ctx, sni_ctx), daemon=True) for p, m in ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main(sys.argv[1:])
