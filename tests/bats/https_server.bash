# SPDX-License-Identifier: ISC
# A loopback HTTPS server (tests/rdap-server.py --wellknown) with a throwaway CA, for the
# MTA-STS policies and security.txt files dns-scan fetches.
#
#   https_make_certs DIR NAME...   a CA (DIR/ca.pem), a certificate it signs for each NAME and
#                                  mta-sts.NAME (DIR/cert.pem, key.pem), and a self-signed
#                                  one (DIR/alt.pem, alt.key) for badcert.https.test
#   https_server_start DIR ADDR    serves DIR/wk on ADDR (a 127.0.0.0/8 address), port in
#                                  DIR/srv.port, requests logged in DIR/srv.log
#   https_server_stop DIR
# Nothing here reaches the internet.

HTTPS_SERVER="$BATS_TEST_DIRNAME/../rdap-server.py"

https_make_certs() {
	local d=$1 san="" n
	shift
	for n in "$@"; do san="$san,DNS:$n,DNS:mta-sts.$n"; done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=throwaway-ca -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=server \
		-keyout "$d/key.pem" -out "$d/req.pem" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=%s\n' "${san#,}" >"$d/ext.cnf"
	openssl x509 -req -in "$d/req.pem" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/ext.cnf" -out "$d/cert.pem" >/dev/null 2>&1 || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=other \
		-addext "subjectAltName=DNS:mta-sts.badcert.https.test,DNS:badcert.https.test" \
		-keyout "$d/alt.key" -out "$d/alt.pem" >/dev/null 2>&1
}

https_server_start() {
	local d=$1 addr=$2 py
	py=$(command -v /usr/bin/python3 || command -v python3)
	rm -f "$d/srv.port"
	"$py" "$HTTPS_SERVER" --addr "$addr" --port-file "$d/srv.port" --log "$d/srv.log" \
		--wellknown "$d/wk" --tls-cert "$d/cert.pem" --tls-key "$d/key.pem" \
		--tls-alt-cert "$d/alt.pem" --tls-alt-key "$d/alt.key" \
		--tls-alt-names mta-sts.badcert.https.test,badcert.https.test \
		>"$d/srv.err" 2>&1 3>&- &
	echo $! >"$d/srv.pid"
	local i
	for i in $(seq 600); do
		[ -s "$d/srv.port" ] && return 0
		sleep 0.05
	done
	echo "the HTTPS server did not start" >&2
	cat "$d/srv.err" >&2
	return 1
}

https_server_stop() {
	[ -f "$1/srv.pid" ] && kill "$(cat "$1/srv.pid")" 2>/dev/null
	rm -f "$1/srv.pid"
	return 0
}
