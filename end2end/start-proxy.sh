#!/usr/bin/env bash
# nginx with deploy/nginx.conf in front of instances A and B (ports E2E_INSTANCE_A and
# E2E_INSTANCE_B), on 127.0.0.1:E2E_PROXY_PORT. Two more listeners reach one instance
# each (E2E_PROXY_A_PORT, E2E_PROXY_B_PORT), so a test can put two pages on different
# instances. nginx connects to the instances from 127.0.0.3, the instances' only trusted
# proxy: the browser (127.0.0.1) stays a client address that may be trusted.
set -euo pipefail
cd "$(dirname "$0")"
dir="$PWD/.tmp/proxy"
rm -rf "$dir" && mkdir -p "$dir"
site=$(sed -e "s/server 127.0.0.1:3000;/server 127.0.0.1:${E2E_INSTANCE_A:?};/" \
           -e "s/server 127.0.0.1:3001;/server 127.0.0.1:${E2E_INSTANCE_B:?};/" \
           -e "s/server_name plan.example.com;/server_name _;/" ../deploy/nginx.conf)
# The server block alone, for the two pinned listeners.
server_block=$(printf '%s\n' "$site" | awk '/^server \{/ { on = 1 } on')
{
  printf '%s\n' "$site" | sed -e "s/listen 80;/listen 127.0.0.1:${E2E_PROXY_PORT:?};/"
  printf 'upstream twostep_a { server 127.0.0.1:%s; }\n' "$E2E_INSTANCE_A"
  printf 'upstream twostep_b { server 127.0.0.1:%s; }\n' "$E2E_INSTANCE_B"
  printf '%s\n' "$server_block" | sed -e "s/listen 80;/listen 127.0.0.1:${E2E_PROXY_A_PORT:?};/" \
    -e 's|proxy_pass http://twostep;|proxy_pass http://twostep_a;|'
  printf '%s\n' "$server_block" | sed -e "s/listen 80;/listen 127.0.0.1:${E2E_PROXY_B_PORT:?};/" \
    -e 's|proxy_pass http://twostep;|proxy_pass http://twostep_b;|'
} > "$dir/twostep.conf"
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy-temp;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    proxy_bind 127.0.0.3;
    include $dir/twostep.conf;
}
CONF
exec /usr/sbin/nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
