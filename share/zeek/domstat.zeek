##! domstat for Zeek: write the DNS log a second time, as JSON (dns-json.log), the input of
##! domstat-zeek.sh, without changing the format of the other logs. Load it from local.zeek:
##!
##!     @load /usr/local/share/domstat/zeek/domstat.zeek
##!
##! then enrich the log as it grows (see domstat(7), SIEM AND IDS):
##!
##!     tail -n 0 -F /opt/zeek/logs/current/dns-json.log |
##!         sh /usr/local/share/domstat/zeek/domstat-zeek.sh -d >> domainstats.log
##!
##! Untested in domstat's own test suite: Zeek is not packaged in Debian. The suite tests
##! domstat-zeek.sh on hand-written dns.log lines instead.

@load base/protocols/dns

module DomStat;

export {
	## Name of the extra log (Zeek adds .log).
	const json_log_path = "dns-json" &redef;
}

event zeek_init()
	{
	Log::add_filter(DNS::LOG, [$name="domstat-json", $path=json_log_path,
	                           $config=table(["use_json"] = "T")]);
	}
