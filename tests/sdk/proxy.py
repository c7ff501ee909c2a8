"""A loopback HTTPS CONNECT proxy that terminates TLS with a test CA and forwards every tunnel,
decrypted, to `tworg serve` (plain HTTP on loopback). Nothing leaves loopback.

usage: proxy.py TWORG_HOST:PORT CERT.pem KEY.pem   (prints the proxy's port, then serves)
"""
import socket
import ssl
import sys
import threading

upstream_host, upstream_port = sys.argv[1].rsplit(":", 1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(conn):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode()
        if not line.startswith("CONNECT "):
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        conn.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        tls = ctx.wrap_socket(conn, server_side=True)
        up = socket.create_connection((upstream_host, int(upstream_port)))
        threading.Thread(target=pump, args=(tls, up), daemon=True).start()
        pump(up, tls)
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(64)
print(srv.getsockname()[1], flush=True)
while True:
    c, _ = srv.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
