#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Write a loopback DNS lab of N distinct, real-shaped domains for dns-grade's bench.

usage: bench/lab/dns-lab.py DIR N NET [SEED]
       bench/lab/dns-lab.py public NET PORT <scan >rewritten

DIR gets zones/<zone>.zone, zones.conf (Knot's zone: list), names.txt (the N domains, one a
line, in scan order) and plan.tsv (what each domain was built to be). NET is a 127.a.b
prefix: Knot must listen on NET.1 to NET.100; NET.200 is a name server address where nothing
listens (lame delegations). Nothing here is a real server: the provider zones (google.com,
cloudflare.com, ...) exist only on the lab's loopback server, so dns-grade's provider tables
and the public suffix list see the names a real top list has.

Every domain is different: its own name, its own TXT verification tokens, serials and
addresses, and each signed zone (about 8 %, as in a real top list) has its own keys made by
ldns-keygen and is signed by ldns-signzone, with its DS in the parent zone (a few are broken
on purpose: expired or expiring signatures, a DS of another key, no DS at all). The mix
(mail and DNS providers, SPF includes and redirects, DMARC policies and reports, CAA, null MX,
lame name servers) is a guess at a top list's shape, fixed by SEED so two runs build the same
lab but for the keys.
"""
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

TLDS = [("com", 50), ("net", 8), ("org", 9), ("de", 8), ("io", 5), ("co.uk", 6), ("fr", 5),
        ("nl", 4), ("info", 3), ("app", 2)]


def pick(rng, weighted):
    """One value of [(value, weight), ...]."""
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for v, w in weighted:
        x -= w
        if x <= 0:
            return v
    return weighted[-1][0]


def token(rng, n, alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def words():
    try:
        with open("/usr/share/dict/words", encoding="utf-8", errors="replace") as f:
            ws = [w.strip() for w in f]
    except OSError:
        ws = []
    ws = [w for w in ws if 3 <= len(w) <= 9 and w.isascii() and w.isalpha() and w.islower()]
    if len(ws) < 1000:  # no dictionary: syllables
        syl = ["ka", "lo", "mi", "ne", "ru", "ta", "ve", "zo", "pin", "dar", "sel", "tor", "bex"]
        ws = sorted({a + b + c for a in syl for b in syl for c in syl})
    return ws


def txt(s):
    """A TXT string in zone-file syntax, split in 255-byte strings."""
    parts = [s[i:i + 255] for i in range(0, len(s), 255)] or [""]
    return " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts)


class Lab:
    def __init__(self, out, n, net, seed):
        self.out, self.n, self.net = out, n, net
        self.rng = random.Random(seed)
        self.zones = {}       # zone -> list of lines (after $ORIGIN/$TTL)
        self.parent_extra = {}  # tld -> lines (delegations, glue, DS)
        self.signed = []      # (zone, plan)
        self.plan = []

    def addr(self, k):
        return f"{self.net}.{k}"

    def ha(self, host):
        """A name server's address: one of the 100 the lab's server listens on, by its name,
        so different servers mostly have different addresses, as on the internet."""
        return self.addr(1 + zlib.crc32(host.encode()) % 100)

    # --- the shared zones: TLDs and providers -------------------------------------------------
    def zone(self, name, serial=1, ns=("ns1.nic",), extra=()):
        lines = [f"@ 3600 SOA {ns[0]}.{name}. hostmaster.{name}. {serial} 7200 3600 1209600 300"]
        for i, h in enumerate(ns):
            lines.append(f"@ 3600 NS {h}.{name}.")
            lines.append(f"{h} 3600 A {self.ha(h + '.' + name)}")
        lines += list(extra)
        self.zones[name] = lines

    def providers(self):
        a = self.addr
        for tld, _ in TLDS:
            self.zone(tld, ns=("ns1.nic", "ns2.nic"))
        # DNS hosters: name server host names by provider, each an address on the lab server
        self.cf = ["ada", "bob", "cody", "dana", "elmo", "fay", "gina", "hank", "ivan", "june",
                   "kirk", "lara", "max", "nina", "olga", "pete", "quinn", "rita", "sam", "tess"]
        self.zone("cloudflare.com",
                  extra=[f"{w}.ns 300 A {self.ha(w + '.ns.cloudflare.com')}" for w in self.cf])
        self.aws = []
        for k, suffix in enumerate(["com", "net", "org", "co.uk"]):
            z = f"awsdns-{10 + k * 11:02d}.{suffix}"
            self.zone(z, extra=[f"ns-{100 + j * 37} 300 A {self.ha(f'ns-{100 + j * 37}.{z}')}"
                                for j in range(12)])
            self.aws.append((z, [f"ns-{100 + j * 37}" for j in range(12)]))
        self.zone("domaincontrol.com",
                  extra=[f"ns{j} 300 A {self.ha(f'ns{j}.domaincontrol.com')}"
                         for j in range(1, 80)])
        self.zone("registrar-servers.com",
                  extra=[f"dns{j} 300 A {self.ha(f'dns{j}.registrar-servers.com')}"
                         for j in range(1, 5)])
        self.zone("ovh.net", extra=[f"{p}ns{j} 300 A {self.ha(f'{p}ns{j}.ovh.net')}"
                                    for j in range(1, 30) for p in ("", "d")])
        self.zone("hostlab.net", extra=[f"ns{j} 300 A {self.ha(f'ns{j}.hostlab.net')}" for j in range(1, 5)] +
                  ["ns9 300 A " + a(200)])  # ns9: nothing listens there
        # mail providers: exchangers, SPF records with nested includes
        g = [f"aspmx.l 300 A {a(3)}", f"alt1.aspmx.l 300 A {a(4)}",
             f"alt2.aspmx.l 300 A {a(5)}", f"alt3.aspmx.l 300 A {a(6)}",
             f"alt4.aspmx.l 300 A {a(7)}", "aspmx.l 300 AAAA 2001:db8:4860::1a",
             "_spf 300 TXT " + txt("v=spf1 include:_netblocks.google.com "
                                    "include:_netblocks2.google.com include:_netblocks3.google.com ~all"),
             "_netblocks 300 TXT " + txt("v=spf1 " + " ".join(f"ip4:{i}.{j}.0.0/16" for i, j in
                                         [(35, 190), (64, 233), (66, 102), (66, 249), (72, 14),
                                          (74, 125), (108, 177), (142, 250), (172, 217), (173, 194),
                                          (209, 85), (216, 58)]) + " ~all"),
             "_netblocks2 300 TXT " + txt("v=spf1 ip6:2001:4860:4000::/36 ip6:2404:6800:4000::/36 "
                                          "ip6:2607:f8b0:4000::/36 ip6:2800:3f0:4000::/36 ~all"),
             "_netblocks3 300 TXT " + txt("v=spf1 ip4:172.253.56.0/21 ip4:172.253.112.0/20 "
                                          "ip4:108.177.96.0/19 ip4:35.191.0.0/16 ~all"),
             f"smtp 300 A {a(3)}"]
        self.zone("google.com", extra=g)
        self.zone("outlook.com", extra=[
            "spf.protection 300 TXT " + txt("v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 "
                                            "ip4:52.100.0.0/14 ip4:104.47.0.0/17 "
                                            "ip6:2a01:111:f400::/48 ip6:2a01:111:f403::/49 "
                                            "include:spfd.protection.outlook.com -all"),
            "spfd.protection 300 TXT " + txt("v=spf1 ip4:51.4.72.0/24 ip4:51.5.72.0/24 "
                                             "ip4:51.5.80.0/27 ip4:20.47.149.138/32 -all"),
            f"*.mail.protection 300 A {a(4)}"])
        self.zone("pphosted.com", extra=[f"*.gslb 300 A {a(5)}",
                  "_spf 300 TXT " + txt("v=spf1 ip4:148.163.128.0/19 ip4:67.231.144.0/20 -all")])
        self.zone("mimecast.com", extra=[f"eu-smtp-inbound-{j} 300 A {a(5 + j)}" for j in (1, 2)] +
                  ["_netblocks 300 TXT " + txt("v=spf1 ip4:91.220.42.0/24 ip4:195.130.217.0/24 "
                                               "ip4:146.101.78.0/24 -all")])
        self.zone("sendgrid.net", extra=["@ 300 TXT " + txt("v=spf1 ip4:167.89.0.0/17 "
                                         "ip4:208.117.48.0/20 ip4:50.31.32.0/19 -all")])
        self.zone("mailgun.org", extra=["@ 300 TXT " + txt("v=spf1 include:_spf.eu.mailgun.org ~all"),
                  "_spf.eu 300 TXT " + txt("v=spf1 ip4:141.193.32.0/23 ip4:159.135.140.80/29 ~all")])
        self.zone("amazonses.com", extra=[
            "@ 300 TXT " + txt("v=spf1 ip4:199.255.192.0/22 ip4:54.240.0.0/18 ip4:69.169.224.0/20 "
                             "ip4:23.249.208.0/20 ip4:23.251.224.0/19 ip4:76.223.176.0/20 ~all")])
        self.zone("mcsv.net", extra=["servers 300 TXT " + txt(
            "v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 ip4:148.105.8.0/21 ?all")])
        self.zone("zoho.eu", extra=[f"mx 300 A {a(6)}", f"mx2 300 A {a(7)}", f"mx3 300 A {a(8)}",
                  "zcsend 300 TXT " + txt("v=spf1 ip4:185.20.209.0/24 ip4:89.36.170.0/24 ~all")])
        # DMARC report receivers: wildcard authorisation records (RFC 7489 7.1), as they do
        self.zone("dmarcian.com", extra=["*._report._dmarc.ag 300 TXT " + txt("v=DMARC1")])
        self.zone("rep.dmarcanalyzer.com", extra=["*._report._dmarc 300 TXT " + txt("v=DMARC1;")])
        self.zone("uriports.com", extra=[])  # no authorisation: reports to it are refused
        self.reporters = ["ag.dmarcian.com", "rep.dmarcanalyzer.com", "uriports.com"]

    # --- one domain ---------------------------------------------------------------------------
    def domain(self, i, name, tld):
        r, a = self.rng, self.addr
        z = []
        p = {"domain": name}
        serial = pick(r, [(int(time.strftime("%Y%m%d")) * 100 + r.randrange(100), 6),
                          (r.randrange(1, 5000), 3), (r.randrange(1_600_000_000, 1_800_000_000), 2)])
        # name servers
        host = pick(r, [("cloudflare", 30), ("aws", 15), ("godaddy", 12), ("self", 10),
                        ("namecheap", 8), ("ovh", 7), ("hostlab", 14), ("lame", 4)])
        p["ns"] = host
        glue = []
        if host == "cloudflare":
            nss = [f"{w}.ns.cloudflare.com" for w in r.sample(self.cf, 2)]
            mname, rname = nss[0], "dns.cloudflare.com"
        elif host == "aws":
            nss = [f"{r.choice(h)}.{zn}" for zn, h in self.aws]
            mname, rname = nss[0], "awsdns-hostmaster.amazon.com"
        elif host == "godaddy":
            k = r.randrange(1, 78)
            nss = [f"ns{k}.domaincontrol.com", f"ns{k + 1}.domaincontrol.com"]
            mname, rname = nss[0], "dns.jomax.net"
        elif host == "namecheap":
            nss = [f"dns{j}.registrar-servers.com" for j in range(1, r.choice((3, 5)))]
            mname, rname = nss[0], "hostmaster.registrar-servers.com"
        elif host == "ovh":
            k = r.randrange(1, 28)
            nss = [f"dns{k}.ovh.net", f"ns{k}.ovh.net"]
            mname, rname = nss[0], "tech.ovh.net"
        elif host == "self":
            k = r.choice((2, 2, 3, 4))
            nss = [f"ns{j}.{name}" for j in range(1, k + 1)]
            for j in range(1, k + 1):
                z.append(f"ns{j} 3600 A {self.ha(f'ns{j}.{name}')}")
                glue.append(f"ns{j}.{name[:-len(tld) - 1]} 3600 A {self.ha(f'ns{j}.{name}')}")
            mname, rname = nss[0], f"hostmaster.{name}"
        elif host == "hostlab":
            nss = [f"ns{j}.hostlab.net" for j in range(1, r.choice((3, 4, 5)))]
            mname, rname = nss[0], f"admin.{name}"
        else:  # one server of two does not answer
            nss = ["ns1.hostlab.net", "ns9.hostlab.net"]
            mname, rname = nss[0], f"root.{name}"
        refresh, retry, expire, minimum = pick(r, [
            ((10000, 2400, 604800, 3600), 5), ((7200, 3600, 1209600, 300), 5),
            ((86400, 7200, 3600000, 86400), 2), ((300, 300, 86400, 60), 1),
            ((3600, 600, 1814400, 900), 3)])
        z.insert(0, f"@ 3600 SOA {mname}. {rname}. {serial} {refresh} {retry} {expire} {minimum}")
        for h in nss:
            z.append(f"@ 86400 NS {h}.")
        label = name[:-len(tld) - 1]
        deleg = [f"{label} 86400 NS {h}." for h in nss] + glue

        # web: documentation addresses only (RFC 5737), never a host on the internet: the full
        # profile fetches https://<domain>/.well-known/security.txt from them, and dns-scan
        # refuses these before connecting
        if r.random() < 0.93:
            z.append(f"@ 300 A {r.choice(('198.51.100', '203.0.113'))}.{r.randrange(1, 255)}")
            if r.random() < 0.45:
                z.append(f"@ 300 AAAA 2001:db8:{r.randrange(65536):x}::{r.randrange(1, 65536):x}")
            if r.random() < 0.6:
                z.append("www 300 CNAME @")
            else:
                z.append(f"www 300 A 203.0.113.{r.randrange(1, 255)}")

        # mail
        mail = pick(r, [("google", 28), ("microsoft", 22), ("self", 15), ("proofpoint", 3),
                        ("mimecast", 3), ("zoho", 3), ("null", 8), ("none", 14), ("broken", 4)])
        p["mail"] = mail
        spf_inc = []
        if mail == "google":
            for pref, h in pick(r, [([(1, "aspmx.l"), (5, "alt1.aspmx.l"), (5, "alt2.aspmx.l"),
                                      (10, "alt3.aspmx.l"), (10, "alt4.aspmx.l")], 3),
                                     ([(1, "smtp")], 1)]):
                z.append(f"@ 300 MX {pref} {h}.google.com.")
            spf_inc = ["include:_spf.google.com"]
        elif mail == "microsoft":
            z.append(f"@ 300 MX 0 {label.replace('.', '-')}-{tld.replace('.', '-')}"
                     f"0{r.randrange(1, 10)}i.mail.protection.outlook.com.")
            spf_inc = ["include:spf.protection.outlook.com"]
        elif mail == "self":
            for j in range(1, r.choice((2, 3, 3, 4, 6))):
                z.append(f"@ 300 MX {10 * j} mx{j}.{name}.")
                z.append(f"mx{j} 300 A 192.0.2.{r.randrange(1, 255)}")
                if r.random() < 0.3:
                    z.append(f"mx{j} 300 AAAA 2001:db8:25::{r.randrange(1, 65536):x}")
            spf_inc = ["mx", f"ip4:192.0.2.{r.randrange(0, 255)}/{r.choice((28, 29, 32))}"]
        elif mail == "proofpoint":
            k = r.randrange(100000, 999999)
            z.append(f"@ 300 MX 10 mx0a-00{k}.gslb.pphosted.com.")
            z.append(f"@ 300 MX 10 mx0b-00{k}.gslb.pphosted.com.")
            spf_inc = ["include:_spf.pphosted.com"]
        elif mail == "mimecast":
            z.append("@ 300 MX 10 eu-smtp-inbound-1.mimecast.com.")
            z.append("@ 300 MX 10 eu-smtp-inbound-2.mimecast.com.")
            spf_inc = ["include:_netblocks.mimecast.com"]
        elif mail == "zoho":
            for pref, h in ((10, "mx"), (20, "mx2"), (50, "mx3")):
                z.append(f"@ 300 MX {pref} {h}.zoho.eu.")
            spf_inc = ["include:zcsend.zoho.eu"]
        elif mail == "null":
            z.append("@ 300 MX 0 .")
        elif mail == "broken":
            kind = r.choice(("cname", "nxhost", "ip"))
            if kind == "cname":
                z.append(f"@ 300 MX 10 mail.{name}.")
                z.append(f"mail 300 CNAME @")
            elif kind == "nxhost":
                z.append(f"@ 300 MX 10 mx.{name}.")
            else:
                z.append(f"@ 300 MX 10 mx1.{name}.")
                z.append(f"mx1 300 A 10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}")
        # extra senders, SPF and its variants
        if r.random() < 0.35:
            spf_inc += r.sample(["include:sendgrid.net", "include:mailgun.org",
                                 "include:amazonses.com", "include:servers.mcsv.net"],
                                r.choice((1, 1, 2)))
        if mail == "null":
            spf = pick(r, [("v=spf1 -all", 8), (None, 2)])
        elif mail == "none":
            spf = pick(r, [("v=spf1 -all", 4), (None, 5), ("v=spf1 a ~all", 1)])
        else:
            spf_kind = pick(r, [("plain", 70), ("redirect", 6), ("none", 8), ("softfail", 0),
                                ("plusall", 1), ("toomany", 3), ("syntax", 2), ("void", 2),
                                ("macro", 2), ("two", 2), ("ptr", 2)])
            p["spf"] = spf_kind
            tail = pick(r, [("-all", 4), ("~all", 5), ("?all", 1)])
            spf = "v=spf1 " + " ".join(spf_inc + ([tail] if spf_inc else ["a", tail]))
            if spf_kind == "none":
                spf = None
            elif spf_kind == "redirect":
                z.append("_spf 300 TXT " + txt("v=spf1 " + " ".join(spf_inc or ["a"]) + " " + tail))
                spf = f"v=spf1 redirect=_spf.{name}"
            elif spf_kind == "plusall":
                spf = "v=spf1 " + " ".join(spf_inc) + " +all"
            elif spf_kind == "toomany":
                spf = "v=spf1 " + " ".join(spf_inc + ["include:_spf.google.com",
                                                        "include:spf.protection.outlook.com",
                                                        "include:sendgrid.net", "include:mailgun.org",
                                                        "include:amazonses.com", "a", "mx", "-all"])
            elif spf_kind == "syntax":
                spf = f"v=spf1 ip4:192.0.2.{r.randrange(300, 999)} " + " ".join(spf_inc) + " -al"
            elif spf_kind == "void":
                spf = f"v=spf1 include:spf.gone-{i}.{tld} " + " ".join(spf_inc) + " ~all"
            elif spf_kind == "macro":
                spf = "v=spf1 " + " ".join(spf_inc) + f" exists:%{{i}}._spf.{name} -all"
            elif spf_kind == "ptr":
                spf = "v=spf1 ptr " + " ".join(spf_inc) + " ~all"
            elif spf_kind == "two":
                z.append("@ 300 TXT " + txt("v=spf1 a -all"))
        if spf:
            z.append("@ 300 TXT " + txt(spf))
        # verification tokens: every domain its own
        for pre, n, w in (("google-site-verification=", 43, 0.45), ("MS=ms", 8, 0.2),
                          ("facebook-domain-verification=", 30, 0.12),
                          ("apple-domain-verification=", 16, 0.05),
                          ("atlassian-domain-verification=", 64, 0.05),
                          ("docusign=", 36, 0.06), ("_globalsign-domain-verification=", 42, 0.04)):
            if r.random() < w:
                alpha = "0123456789" if pre == "MS=ms" else \
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
                z.append("@ 300 TXT " + txt(pre + token(r, n, alpha)))
        if r.random() < 0.02:
            z.append("@ 300 TXT " + txt("v=spf1 include:" + "x" * 300 + ".invalid -all"))

        # DMARC
        dm = pick(r, [(None, 35), ("none", 25), ("quarantine", 15), ("reject", 18),
                      ("broken", 4), ("two", 1), ("norua", 2)])
        p["dmarc"] = dm
        if dm:
            rua = []
            if dm != "norua":
                k = r.random()
                if k < 0.45:
                    rua.append(f"mailto:dmarc@{name}")
                elif k < 0.8:
                    rua.append(f"mailto:{token(r, 8, 'abcdefghijklmnopqrstuvwxyz0123456789')}@"
                               f"{r.choice(self.reporters)}")
                else:
                    rua.append(f"mailto:dmarc-{i}@reports.{r.choice(TLDS)[0]}")
            pol = {"none": "none", "quarantine": "quarantine", "reject": "reject",
                   "broken": "rejct", "two": "none", "norua": "none"}[dm]
            rec = f"v=DMARC1; p={pol}"
            if r.random() < 0.3:
                rec += "; sp=" + r.choice(("none", "quarantine", "reject"))
            if pol == "quarantine" and r.random() < 0.3:
                rec += f"; pct={r.choice((10, 25, 50))}"
            if rua:
                rec += "; rua=" + ",".join(rua)
            if r.random() < 0.12:
                rec += f"; ruf=mailto:forensic@{name}; fo=1"
            if r.random() < 0.3:
                rec += "; adkim=" + r.choice("rs") + "; aspf=" + r.choice("rs")
            if dm == "broken" and r.random() < 0.5:
                rec = rec.replace("v=DMARC1; ", "")
            z.append("_dmarc 300 TXT " + txt(rec))
            if dm == "two":
                z.append("_dmarc 300 TXT " + txt("v=DMARC1; p=reject"))

        # CAA
        caa = pick(r, [(None, 80), ("le", 8), ("multi", 6), ("wild", 3), ("broken", 1)])
        if caa == "le":
            z.append('@ 300 CAA 0 issue "letsencrypt.org"')
        elif caa == "multi":
            for ca in r.sample(["letsencrypt.org", "digicert.com", "sectigo.com", "pki.goog",
                                "amazon.com", "globalsign.com"], r.choice((2, 3, 4))):
                z.append(f'@ 300 CAA 0 issue "{ca}"')
            if r.random() < 0.5:
                z.append(f'@ 300 CAA 0 iodef "mailto:security@{name}"')
        elif caa == "wild":
            z.append('@ 300 CAA 0 issue "digicert.com"')
            z.append('@ 300 CAA 0 issuewild ";"')
        elif caa == "broken":
            z.append('@ 300 CAA 128 tbs "unknown"')

        # BIMI and Active Directory
        if dm in ("quarantine", "reject") and r.random() < 0.08:
            z.append("default._bimi 300 TXT " + txt(f"v=BIMI1; l=https://{name}/bimi/logo.svg; "
                                                      f"a=https://{name}/bimi/vmc.pem"))
        if r.random() < 0.03:
            self.zones[f"_msdcs.{name}"] = [
                f"@ 3600 SOA {mname}. {rname}. {serial} 900 600 86400 3600",
                *[f"@ 3600 NS {h}." for h in nss]]
            z += [f"_msdcs 86400 NS {h}." for h in nss]
            p["ad"] = True

        # DNSSEC: about 8 %
        if r.random() < 0.08:
            self.signed.append((name, {
                "alg": pick(r, [(13, 60), (8, 32), (15, 5), (14, 3)]),
                "csk": r.random() < 0.5,
                "nsec3": pick(r, [(None, 45), (0, 40), (10, 12), (150, 3)]),
                "state": pick(r, [("ok", 86), ("expired", 3), ("soon", 3), ("otherds", 3),
                                  ("nods", 3), ("twods", 2)])}))
            p["dnssec"] = self.signed[-1][1]["state"]
        self.zones[name] = z
        self.parent_extra.setdefault(tld, []).extend(deleg)
        self.plan.append(p)

    def names(self):
        ws, r = words(), self.rng
        seen = set()
        out = []
        while len(out) < self.n:
            k = r.random()
            if k < 0.5:
                label = r.choice(ws)
            elif k < 0.8:
                label = r.choice(ws) + r.choice(("", "-")) + r.choice(ws)
            elif k < 0.93:
                label = r.choice(ws) + str(r.randrange(1, 999))
            else:
                label = token(r, r.randrange(2, 6), "abcdefghijklmnopqrstuvwxyz")
            tld = pick(r, TLDS)
            name = f"{label}.{tld}"
            if name in seen or name in self.zones:
                continue
            seen.add(name)
            out.append((name, tld))
        return out

    # --- signing ------------------------------------------------------------------------------
    def sign(self, jobs=2):
        now = int(time.time())

        def one(item):
            name, s = item
            keys = os.path.join(self.out, "keys", name)
            os.makedirs(keys, exist_ok=True)
            alg = {13: "ECDSAP256SHA256", 8: "RSASHA256", 15: "ED25519", 14: "ECDSAP384SHA384"}[s["alg"]]

            def keygen(ksk, bits=None):
                cmd = ["ldns-keygen", "-a", alg] + (["-k"] if ksk else []) + \
                    (["-b", str(bits)] if bits else []) + [name]
                return subprocess.run(cmd, cwd=keys, check=True, capture_output=True,
                                      text=True).stdout.strip()
            ksk = keygen(True, 2048 if s["alg"] == 8 else None)
            used = [ksk] if s["csk"] else [keygen(False, 1024 if s["alg"] == 8 else None), ksk]
            inc, exp = now - 86400, now + 30 * 86400
            if s["state"] == "expired":
                inc, exp = now - 40 * 86400, now - 5 * 86400
            elif s["state"] == "soon":
                exp = now + 2 * 86400
            src = os.path.join(keys, "zone")
            with open(src, "w") as f:
                f.write(f"$ORIGIN {name}.\n$TTL 300\n" + "\n".join(self.zones[name]) + "\n")
            out = os.path.join(self.out, "zones", name + ".zone")
            cmd = ["ldns-signzone", "-i", str(inc), "-e", str(exp), "-f", out]
            if s["nsec3"] is not None:
                cmd += ["-n", "-t", str(s["nsec3"]), "-s", token(self.rng_for(name), 8, "0123456789abcdef")]
            subprocess.run(cmd + [src] + [os.path.join(keys, k) for k in used], check=True,
                           capture_output=True)
            with open(os.path.join(keys, ksk + ".ds")) as f:
                ds = f.read().split()
            ds_lines = []
            rdata = " ".join(ds[ds.index("DS") + 1:])
            if s["state"] == "otherds":  # the DS of a key that is not in the zone
                other = keygen(True)
                with open(os.path.join(keys, other + ".ds")) as f:
                    o = f.read().split()
                rdata = " ".join(o[o.index("DS") + 1:])
            if s["state"] != "nods":
                ds_lines.append(rdata)
            if s["state"] == "twods":  # a second DS, SHA-1, as older registrars published
                r = subprocess.run(["ldns-key2ds", "-n", "-1", os.path.join(keys, ksk + ".key")],
                                   check=True, capture_output=True, text=True).stdout.split()
                ds_lines.append(" ".join(r[r.index("DS") + 1:]))
            return name, ds_lines

        with ThreadPoolExecutor(jobs) as ex:
            for name, ds_lines in ex.map(one, self.signed):
                tld = next(t for t, _ in sorted(TLDS, key=lambda t: -len(t[0]))
                           if name.endswith("." + t))
                label = name[:-len(tld) - 1]
                self.parent_extra[tld] += [f"{label} 86400 DS {d}" for d in ds_lines]
                self.zones[name] = None  # written by ldns-signzone

    def rng_for(self, name):
        return random.Random(name)

    def write(self):
        zd = os.path.join(self.out, "zones")
        os.makedirs(zd, exist_ok=True)
        for tld, lines in self.parent_extra.items():
            self.zones[tld] += lines
        with open(os.path.join(self.out, "zones.conf"), "w") as conf:
            for name, lines in self.zones.items():
                conf.write(f'  - domain: "{name}."\n')
                if lines is None:
                    continue
                with open(os.path.join(zd, name + ".zone"), "w") as f:
                    f.write(f"$ORIGIN {name}.\n$TTL 300\n" + "\n".join(lines) + "\n")


def public(net, port):
    """Filter a scan of the lab: the lab server's loopback addresses become public-looking
    ones (a fixed map, one per address) and its port 53, as a scan of the internet shows them.
    Only name server, resolver and exchanger addresses carry them, none under a signature the
    scan asked for (those are apex SOA, DS, DNSKEY and NSEC3PARAM), so verdicts stay."""
    pat = re.compile(r'"' + re.escape(net) + r'\.(\d+)(:' + port + r')?"')

    def sub(m):
        k = int(m.group(1))
        a = f"{45 + k % 70}.{(k * 73) % 256}.{(k * 29) % 256}.{1 + (k * 151) % 253}"
        return '"' + a + (":53" if m.group(2) else "") + '"'
    for line in sys.stdin:
        sys.stdout.write(pat.sub(sub, line))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "public":
        public(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: bench/lab/dns-lab.py DIR N NET [SEED]")
    out, n, net = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    lab = Lab(out, n, net, int(sys.argv[4]) if len(sys.argv) == 5 else 1)
    lab.providers()
    names = lab.names()
    for i, (name, tld) in enumerate(names):
        lab.domain(i, name, tld)
    os.makedirs(os.path.join(out, "zones"), exist_ok=True)
    lab.sign(int(os.environ.get("LAB_JOBS", "2")))
    lab.write()
    with open(os.path.join(out, "names.txt"), "w") as f:
        f.write("".join(name + "\n" for name, _ in names))
    with open(os.path.join(out, "plan.tsv"), "w") as f:
        for p in lab.plan:
            f.write("\t".join(f"{k}={v}" for k, v in p.items()) + "\n")
    print(f"{n} domains, {len(lab.signed)} signed, {len(lab.zones)} zones", file=sys.stderr)


if __name__ == "__main__":
    main()
