#!/usr/bin/python3
# SANDBOX STAND-IN for a Gluu Server 3.1.x node's web side: not Gluu's code, just enough of its
# shape for the clustering steps and the load balancer to work against. On a real node Apache
# (apache2) answers HTTPS on 443 with /etc/certs/httpd.crt and proxies to the Jetty web
# applications on localhost: oxAuth (/oxauth, and /.well-known rewritten to it) and oxTrust,
# the "identity" service (/identity, and here /idp too). The same three processes run here:
#
#   web-standin.py app --service oxauth|identity --listen 127.0.0.1:PORT --node HOST --issuer URL
#   web-standin.py front --listen ADDRESS:443 --cert CRT --key KEY --node HOST --route PREFIX=PORT...
#
# Each one daemonizes (--pidfile, --log) and returns only once it listens, or fails with the
# reason (for example the port being taken). A stopped application makes the front answer 503
# for its paths, as Apache's proxy does.
import argparse
import http.client
import http.server
import json
import os
import signal
import socket
import ssl
import sys
import threading

HOP_BY_HOP = {'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection'}


def host_port(s):
    host, _, port = s.rpartition(':')
    return host, int(port)


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = 'GluuSandboxStandIn/1'

    def log_message(self, fmt, *args):
        sys.stderr.write('%s %s\n' % (self.address_string(), fmt % args))

    def reply(self, status, body, content_type='application/json', headers=()):
        data = body.encode('utf-8') if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.send_header('X-Gluu-Sandbox-Node', self.server.opts.node)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)


class AppHandler(Handler):
    """oxAuth or oxTrust (identity): answers with the node's name and its own."""

    def do_GET(self):
        o = self.server.opts
        path = self.path.split('?', 1)[0]
        who = {'x-gluu-sandbox-node': o.node, 'x-gluu-sandbox-service': o.service, 'path': path}
        if o.service == 'oxauth' and path in ('/.well-known/openid-configuration', '/oxauth/.well-known/openid-configuration'):
            issuer = o.issuer.rstrip('/')
            doc = {
                'issuer': issuer,
                'authorization_endpoint': issuer + '/oxauth/restv1/authorize',
                'token_endpoint': issuer + '/oxauth/restv1/token',
                'userinfo_endpoint': issuer + '/oxauth/restv1/userinfo',
                'jwks_uri': issuer + '/oxauth/restv1/jwks',
                'end_session_endpoint': issuer + '/oxauth/restv1/end_session',
            }
            doc.update(who)
            self.reply(200, json.dumps(doc, indent=2) + '\n')
        elif o.service == 'identity' and path in ('/identity', '/identity/'):
            # oxTrust's start page sends a visitor without a session on to its home page (and from
            # there to oxAuth's login), as Gluu 3.1's does.
            self.reply(302, json.dumps(who) + '\n', headers=[('Location', '/identity/home.htm')])
        else:
            self.reply(200, json.dumps(who) + '\n')

    do_HEAD = do_GET
    do_POST = do_GET


class FrontHandler(Handler):
    """Apache's part: TLS, then each path to its application on localhost, 503 when it is down."""

    def forward(self):
        o = self.server.opts
        path = self.path.split('?', 1)[0]
        if path == '/':
            # Gluu's Apache sends the bare host to oxTrust.
            return self.reply(302, '', 'text/plain', [('Location', '/identity/')])
        port = next((p for prefix, p in o.routes if path == prefix or path.startswith(prefix + '/')), None)
        if port is None:
            return self.reply(404, 'Not Found: %s is no Gluu path (sandbox node %s)\n' % (path, o.node), 'text/plain')
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers['X-Forwarded-For'] = ', '.join(filter(None, [self.headers.get('X-Forwarded-For'), self.client_address[0]]))
        headers['X-Forwarded-Proto'] = 'https'
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        except OSError:
            return self.reply(503, 'Service Unavailable: nothing answers on 127.0.0.1:%d for %s (sandbox node %s)\n' % (port, path, o.node), 'text/plain')
        finally:
            conn.close()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() not in ('content-length', 'server', 'date'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    do_GET = forward
    do_HEAD = forward
    do_POST = forward


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    tls = None

    def finish_request(self, request, client_address):
        if self.tls is None:
            return super().finish_request(request, client_address)
        # The TLS handshake in the request's own thread: a slow client never holds up accept().
        try:
            conn = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(conn, client_address)
        finally:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()


def make_server(opts):
    host, port = host_port(opts.listen)
    server = Server((host, port), FrontHandler if opts.mode == 'front' else AppHandler)
    server.opts = opts
    if opts.mode == 'front':
        server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls.load_cert_chain(opts.cert, opts.key)
    return server


def daemonize(opts):
    """Forks into the background; the first process exits 0 once the server listens, else 1 with why."""
    r, w = os.pipe()
    if os.fork() > 0:
        os.close(w)
        msg = b''
        while True:
            chunk = os.read(r, 4096)
            if not chunk:
                break
            msg += chunk
        if msg == b'ok':
            sys.exit(0)
        sys.stderr.write('%s: %s\n' % (opts.name, msg.decode('utf-8', 'replace') or 'exited before listening'))
        sys.exit(1)
    os.close(r)
    os.setsid()
    if os.fork() > 0:
        os._exit(0)
    # Nothing of the caller's (an SSH session's output) stays open.
    null = os.open(os.devnull, os.O_RDWR)
    log = os.open(opts.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, 'w', buffering=1)
    sys.stderr = os.fdopen(2, 'w', buffering=1)
    try:
        server = make_server(opts)
        with open(opts.pidfile, 'w') as f:
            f.write('%d\n' % os.getpid())
    except Exception as e:  # the reason goes back to the waiting parent
        os.write(w, str(e).encode('utf-8'))
        os._exit(1)
    os.write(w, b'ok')
    os.close(w)
    return server


def main():
    p = argparse.ArgumentParser(description='Sandbox stand-in for a Gluu node\'s Apache, oxAuth and oxTrust')
    p.add_argument('mode', choices=['app', 'front'])
    p.add_argument('--service', choices=['oxauth', 'identity'])
    p.add_argument('--listen', required=True)
    p.add_argument('--node', required=True)
    p.add_argument('--issuer', default='')
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--route', action='append', default=[], help='PREFIX=PORT (front)')
    p.add_argument('--pidfile', required=True)
    p.add_argument('--log', required=True)
    opts = p.parse_args()
    opts.name = opts.service or 'apache2'
    opts.routes = [(r.split('=')[0], int(r.split('=')[1])) for r in opts.route]
    server = daemonize(opts)

    def stop(*_):
        # shutdown() waits for serve_forever() to return: not from its own thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print('%s (sandbox stand-in) for %s listening on %s' % (opts.name, opts.node, opts.listen))
    try:
        server.serve_forever()
    finally:
        server.server_close()
        try:
            os.remove(opts.pidfile)
        except OSError:
            pass


if __name__ == '__main__':
    socket.setdefaulttimeout(60)
    main()
