#!/usr/bin/env bash
# Starts nginx (Debian package) on a free loopback port with a generated config in a temp dir -- never the system
# config, never root. Prints "PORT PIDFILE DIR". Stop with: kill "$(cat PIDFILE)".
set -euo pipefail
dir=$(mktemp -d /tmp/slipway-nginx.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$dir/logs" "$dir/tmp"
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 "ok\n"; }
    location /missing { return 404; }
  }
}
CONF
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" 2>/dev/null || /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf"
for _ in $(seq 50); do [ -s "$dir/nginx.pid" ] && break; sleep 0.1; done
echo "$port $dir/nginx.pid $dir"
