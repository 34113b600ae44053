package main

// TLS end to end: certificates made here (a CA, a server certificate for
// 127.0.0.1 and localhost, a client certificate, and a second, unrelated
// CA with its own pair), respd serving a plain and a TLS port, go-redis,
// redis-cli and raw TLS connections as clients, and replication over TLS
// with a real redis-server in both roles.
//
//	go test -race -run TLS .

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// testPKI is a set of certificate and key files.
type testPKI struct {
	caFile, otherCAFile               string
	serverCert, serverKey             string // by the CA, for 127.0.0.1 and localhost
	otherServerCert, otherServerKey   string // by the other CA
	clientCert, clientKey             string // by the CA
	otherClientCert, otherClientKey   string // by the other CA
	ca, otherCA                       *x509.CertPool
	client, otherClient               tls.Certificate
	caKey, otherCAKey                 *ecdsa.PrivateKey
	caCertificate, otherCACertificate *x509.Certificate
	dir                               string
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir()}
	p.caCertificate, p.caKey, p.caFile, _ = p.issue(t, "ca", nil, nil)
	p.otherCACertificate, p.otherCAKey, p.otherCAFile, _ = p.issue(t, "other-ca", nil, nil)
	_, _, p.serverCert, p.serverKey = p.issue(t, "server", p.caCertificate, p.caKey)
	_, _, p.otherServerCert, p.otherServerKey = p.issue(t, "other-server", p.otherCACertificate, p.otherCAKey)
	_, _, p.clientCert, p.clientKey = p.issue(t, "client", p.caCertificate, p.caKey)
	_, _, p.otherClientCert, p.otherClientKey = p.issue(t, "other-client", p.otherCACertificate, p.otherCAKey)
	p.ca, p.otherCA = x509.NewCertPool(), x509.NewCertPool()
	p.ca.AddCert(p.caCertificate)
	p.otherCA.AddCert(p.otherCACertificate)
	var err error
	if p.client, err = tls.LoadX509KeyPair(p.clientCert, p.clientKey); err != nil {
		t.Fatal(err)
	}
	if p.otherClient, err = tls.LoadX509KeyPair(p.otherClientCert, p.otherClientKey); err != nil {
		t.Fatal(err)
	}
	return p
}

// issue makes a certificate signed by parent (self-signed, a CA, without
// one), valid for 127.0.0.1 and localhost as server and client, and writes
// it and its key (PKCS#8) to name.crt and name.key.
func (p *testPKI) issue(t *testing.T, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "respd test " + name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
		parent, parentKey = tmpl, key
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile := filepath.Join(p.dir, name+".crt"), filepath.Join(p.dir, name+".key")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	return cert, key, certFile, keyFile
}

// clientConfig trusts the CA and shows the client certificate.
func (p *testPKI) clientConfig() *tls.Config {
	return &tls.Config{RootCAs: p.ca, Certificates: []tls.Certificate{p.client}}
}

// serverArgs configure the TLS port with the server certificate.
func (p *testPKI) serverArgs() []string {
	return []string{"--tls-cert-file", p.serverCert, "--tls-key-file", p.serverKey, "--tls-ca-cert-file", p.caFile}
}

// freePorts are n distinct free ports.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	return ports
}

// startTLSServer runs respd in-process with a plain and a TLS port and the
// server certificate; args come after and override.
func startTLSServer(t *testing.T, p *testPKI, args ...string) (s *Server, plain, secure string) {
	t.Helper()
	ports := freePorts(t, 2)
	all := append([]string{"--save", "", "--dir", t.TempDir(), "--bind", "127.0.0.1", "--port", ports[0], "--tls-port", ports[1]}, p.serverArgs()...)
	cfg, err := parseArgs(append(all, args...))
	if err != nil {
		t.Fatal(err)
	}
	s, _ = serveConfig(t, cfg)
	return s, "127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]
}

// tlsDo sends one inline command over a new TLS connection and returns
// the first line of the reply; a refused handshake is an error (with TLS
// 1.3 the client learns that its certificate was refused only on its first
// read).
func tlsDo(addr string, conf *tls.Config, command string) (string, error) {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, conf)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write([]byte(command + "\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSuffix(line, "\r\n"), err
}

func tlsPing(t *testing.T, addr string, conf *tls.Config) {
	t.Helper()
	if reply, err := tlsDo(addr, conf, "PING"); err != nil || reply != "+PONG" {
		t.Fatalf("PING over TLS to %s: %q, %v", addr, reply, err)
	}
}

func tlsRefused(t *testing.T, what, addr string, conf *tls.Config) {
	t.Helper()
	if reply, err := tlsDo(addr, conf, "PING"); err == nil {
		t.Fatalf("%s: served (%q)", what, reply)
	}
}

func TestTLSClients(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p)
	for name, proto := range map[string]int{"resp2": 2, "resp3": 3} {
		t.Run(name, func(t *testing.T) {
			rc := redis.NewClient(&redis.Options{Addr: secure, Protocol: proto, TLSConfig: p.clientConfig(), DisableIdentity: true})
			defer rc.Close()
			plainClient := redis.NewClient(&redis.Options{Addr: plain, Protocol: proto, DisableIdentity: true})
			defer plainClient.Close()
			if err := rc.Set(ctx, "k:"+name, "over tls", 0).Err(); err != nil {
				t.Fatal(err)
			}
			if v, err := plainClient.Get(ctx, "k:"+name).Result(); err != nil || v != "over tls" {
				t.Fatalf("GET on the plain port: %q, %v", v, err)
			}
			if v, err := rc.Get(ctx, "k:"+name).Result(); err != nil || v != "over tls" {
				t.Fatalf("GET on the TLS port: %q, %v", v, err)
			}
			big := strings.Repeat("x", 100_000) // several TLS records
			if err := plainClient.Set(ctx, "big", big, 0).Err(); err != nil {
				t.Fatal(err)
			}
			if v, _ := rc.Get(ctx, "big").Result(); v != big {
				t.Fatalf("GET big over TLS: %d bytes", len(v))
			}

			sub := rc.Subscribe(ctx, "news:"+name)
			defer sub.Close()
			if _, err := sub.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			if err := plainClient.Publish(ctx, "news:"+name, "hello").Err(); err != nil {
				t.Fatal(err)
			}
			msg, err := sub.ReceiveMessage(ctx)
			if err != nil || msg.Payload != "hello" {
				t.Fatalf("message over TLS: %v, %v", msg, err)
			}
		})
	}
}

func TestTLSOnlyPort(t *testing.T) {
	p := newTestPKI(t)
	port := freePorts(t, 1)[0]
	cfg, err := parseArgs(append([]string{"--save", "", "--dir", t.TempDir(), "--bind", "127.0.0.1", "--port", "0", "--tls-port", port}, p.serverArgs()...))
	if err != nil {
		t.Fatal(err)
	}
	s, addr := serveConfig(t, cfg)
	if addr != "127.0.0.1:"+port || s.Port() != cfg.TLSPort {
		t.Fatalf("Addr %s, Port %d: want the TLS port %s", addr, s.Port(), port)
	}
	tlsPing(t, addr, p.clientConfig())
}

func TestTLSRedisCli(t *testing.T) {
	help, _ := exec.Command("redis-cli", "--help").CombinedOutput()
	if !strings.Contains(string(help), "--tls") {
		t.Skip("redis-cli without TLS (or not installed)")
	}
	p := newTestPKI(t)
	_, _, secure := startTLSServer(t, p)
	host, port, _ := net.SplitHostPort(secure)
	cli := func(args ...string) string {
		all := append([]string{"-h", host, "-p", port, "--tls", "--cacert", p.caFile, "--cert", p.clientCert, "--key", p.clientKey}, args...)
		out, err := exec.Command("redis-cli", all...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if out := cli("SET", "k", "v"); out != "OK" {
		t.Fatalf("SET: %q", out)
	}
	if out := cli("GET", "k"); out != "v" {
		t.Fatalf("GET: %q", out)
	}
}

func TestTLSAuthClients(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p)
	withCert := p.clientConfig()
	noCert := &tls.Config{RootCAs: p.ca}
	// Go's client shows only a certificate by a CA the server names, unless
	// told otherwise.
	otherCert := &tls.Config{RootCAs: p.ca, GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &p.otherClient, nil
	}}
	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()

	// yes, the default: a certificate by the CA is required.
	tlsPing(t, secure, withCert)
	tlsRefused(t, "yes, no certificate", secure, noCert)
	tlsRefused(t, "yes, another CA's certificate", secure, otherCert)

	if err := rc.ConfigSet(ctx, "tls-auth-clients", "no").Err(); err != nil {
		t.Fatal(err)
	}
	tlsPing(t, secure, noCert)
	tlsPing(t, secure, otherCert) // not asked for, so not checked

	if err := rc.ConfigSet(ctx, "tls-auth-clients", "optional").Err(); err != nil {
		t.Fatal(err)
	}
	tlsPing(t, secure, noCert)
	tlsPing(t, secure, withCert)
	tlsRefused(t, "optional, another CA's certificate", secure, otherCert)
}

func TestTLSCACertDir(t *testing.T) {
	p := newTestPKI(t)
	dir := t.TempDir()
	data, err := os.ReadFile(p.caFile)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "ca.pem"), string(data))
	writeFile(t, filepath.Join(dir, "README"), "not a certificate")
	_, _, secure := startTLSServer(t, p, "--tls-ca-cert-file", "", "--tls-ca-cert-dir", dir)
	tlsPing(t, secure, p.clientConfig())
	tlsRefused(t, "another CA's certificate", secure, &tls.Config{RootCAs: p.ca, GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &p.otherClient, nil
	}})
}

func TestTLSHandshakeFailures(t *testing.T) {
	p := newTestPKI(t)
	s, _, secure := startTLSServer(t, p)
	log := captureLog(s)

	// One that connects and says nothing holds no one up.
	silent, err := net.Dial("tcp", secure)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	tlsPing(t, secure, p.clientConfig())

	// Plain text on the TLS port: the connection is closed.
	conn, err := net.Dial("tcp", secure)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("PING\r\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var nerr net.Error
	if n, err := conn.Read(make([]byte, 64)); err == nil || errors.As(err, &nerr) && nerr.Timeout() {
		t.Fatalf("plain text on the TLS port: read %d bytes, %v; want the connection closed", n, err)
	}

	tlsRefused(t, "a server the client does not trust", secure, &tls.Config{RootCAs: p.otherCA, Certificates: []tls.Certificate{p.client}})
	tlsRefused(t, "no client certificate", secure, &tls.Config{RootCAs: p.ca})

	tlsPing(t, secure, p.clientConfig())
	waitFor(t, func() bool { return strings.Count(log.String(), "Error accepting a client connection: ") >= 3 })
	if !strings.Contains(log.String(), "first record does not look like a TLS handshake") {
		t.Errorf("log:\n%s", log)
	}
}

func TestTLSProtocols(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p, "--tls-protocols", "TLSv1.3")
	tls12 := p.clientConfig()
	tls12.MaxVersion = tls.VersionTLS12
	tlsRefused(t, "a TLS 1.2 client with tls-protocols TLSv1.3", secure, tls12)
	tlsPing(t, secure, p.clientConfig())

	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()
	err := rc.ConfigSet(ctx, "tls-protocols", "TLSv1.3 SSLv3").Err()
	if want := "ERR CONFIG SET failed (possibly related to argument 'tls-protocols') - Unable to update TLS configuration. Check server logs."; err == nil || err.Error() != want {
		t.Fatalf("CONFIG SET tls-protocols 'TLSv1.3 SSLv3': %v", err)
	}
	if err := rc.ConfigSet(ctx, "tls-protocols", "TLSv1.2").Err(); err != nil {
		t.Fatal(err)
	}
	tlsPing(t, secure, tls12)
}

func TestTLSCiphers(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p, "--tls-protocols", "TLSv1.2", "--tls-ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384")
	conn, err := tls.Dial("tcp", secure, p.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := conn.ConnectionState().CipherSuite; got != tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 {
		t.Errorf("cipher suite %s", tls.CipherSuiteName(got))
	}
	conn.Close()

	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()
	if err := rc.ConfigSet(ctx, "tls-ciphers", "nonsense").Err(); err == nil {
		t.Error("CONFIG SET tls-ciphers nonsense: OK")
	}
	for _, list := range []string{"HIGH:!aNULL:!MD5", "ECDHE-ECDSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA:TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"} {
		if err := rc.ConfigSet(ctx, "tls-ciphers", list).Err(); err != nil {
			t.Errorf("CONFIG SET tls-ciphers %s: %v", list, err)
		}
	}
	tlsPing(t, secure, p.clientConfig())
	if err := rc.ConfigSet(ctx, "tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256").Err(); err != nil {
		t.Error(err)
	}
	if err := rc.ConfigSet(ctx, "tls-ciphersuites", "nonsense").Err(); err == nil {
		t.Error("CONFIG SET tls-ciphersuites nonsense: OK")
	}
}

func TestTLSCertificateReload(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p)
	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()
	before := redis.NewClient(&redis.Options{Addr: secure, TLSConfig: p.clientConfig(), PoolSize: 1})
	defer before.Close()
	if err := before.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}

	err := rc.ConfigSet(ctx, "tls-cert-file", filepath.Join(p.dir, "missing.crt")).Err()
	if want := "ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs."; err == nil || err.Error() != want {
		t.Fatalf("CONFIG SET tls-cert-file missing.crt: %v", err)
	}
	if v, _ := rc.ConfigGet(ctx, "tls-cert-file").Result(); v["tls-cert-file"] != p.serverCert {
		t.Fatalf("tls-cert-file after a failed CONFIG SET: %v", v)
	}
	tlsPing(t, secure, p.clientConfig())

	// The other CA's pair: new connections get it, those open keep theirs.
	if err := rc.Do(ctx, "CONFIG", "SET", "tls-cert-file", p.otherServerCert, "tls-key-file", p.otherServerKey).Err(); err != nil {
		t.Fatal(err)
	}
	tlsRefused(t, "the old CA after the swap", secure, p.clientConfig())
	tlsPing(t, secure, &tls.Config{RootCAs: p.otherCA, Certificates: []tls.Certificate{p.client}})
	if err := before.Ping(ctx).Err(); err != nil {
		t.Fatalf("the connection open before the swap: %v", err)
	}
}

func TestTLSPortConfigSet(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p)
	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()
	open := redis.NewClient(&redis.Options{Addr: secure, TLSConfig: p.clientConfig(), PoolSize: 1})
	defer open.Close()
	if err := open.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}

	port := freePorts(t, 1)[0]
	if err := rc.ConfigSet(ctx, "tls-port", port).Err(); err != nil {
		t.Fatal(err)
	}
	tlsPing(t, "127.0.0.1:"+port, p.clientConfig())
	if _, err := net.Dial("tcp", secure); err == nil {
		t.Error("the old TLS port still accepts")
	}
	if err := open.Ping(ctx).Err(); err != nil {
		t.Fatalf("a client of the old TLS port: %v", err)
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	err = rc.ConfigSet(ctx, "tls-port", strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)).Err()
	if want := "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs."; err == nil || err.Error() != want {
		t.Fatalf("CONFIG SET tls-port to a busy port: %v", err)
	}
	tlsPing(t, "127.0.0.1:"+port, p.clientConfig())

	if err := rc.ConfigSet(ctx, "tls-port", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
		t.Error("tls-port 0 still accepts")
	}
}

// A server configured with a certificate can turn TLS on at run time.
func TestTLSTurnedOnAtRunTime(t *testing.T) {
	p := newTestPKI(t)
	s, plain := startTestServer(t, p.serverArgs()...)
	if s.cfg.IOEngine != "redcon" {
		t.Fatalf("io-engine %s with a certificate configured", s.cfg.IOEngine)
	}
	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()
	port := freePorts(t, 1)[0]
	if err := rc.ConfigSet(ctx, "tls-port", port).Err(); err != nil {
		t.Fatal(err)
	}
	tlsPing(t, "127.0.0.1:"+port, p.clientConfig())
}

// Without a certificate at startup, the epoll engine serves, and it has
// no TLS port to open.
func TestTLSNotOnEpoll(t *testing.T) {
	epollOnly(t, "serves TLS")
	rc := redis.NewClient(&redis.Options{Addr: startServer(t)})
	defer rc.Close()
	err := rc.ConfigSet(ctx, "tls-port", freePorts(t, 1)[0]).Err()
	if want := "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to listen on this port. Check server logs."; err == nil || err.Error() != want {
		t.Fatalf("CONFIG SET tls-port on epoll: %v", err)
	}
}

func TestTLSLimits(t *testing.T) {
	p := newTestPKI(t)
	_, _, secure := startTLSServer(t, p, "--maxclients", "1")
	first, err := tls.Dial("tcp", secure, p.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	r := bufio.NewReader(first)
	first.Write([]byte("PING\r\n"))
	if line, err := r.ReadString('\n'); err != nil || line != "+PONG\r\n" {
		t.Fatalf("first client: %q, %v", line, err)
	}
	if reply, _ := tlsDo(secure, p.clientConfig(), "PING"); reply != "-ERR max number of clients reached" {
		t.Fatalf("second client past maxclients 1: %q", reply)
	}
}

func TestTLSSessionResumption(t *testing.T) {
	p := newTestPKI(t)
	_, plain, secure := startTLSServer(t, p)
	rc := redis.NewClient(&redis.Options{Addr: plain})
	defer rc.Close()
	resumed := func() bool {
		t.Helper()
		conf := p.clientConfig()
		conf.ClientSessionCache = tls.NewLRUClientSessionCache(4)
		tlsPing(t, secure, conf) // the ticket comes after the handshake
		conn, err := tls.Dial("tcp", secure, conf)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().DidResume
	}
	if !resumed() {
		t.Error("tls-session-caching yes: not resumed")
	}
	if err := rc.ConfigSet(ctx, "tls-session-cache-timeout", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if resumed() {
		t.Error("tls-session-cache-timeout 0: resumed")
	}
	if err := rc.Do(ctx, "CONFIG", "SET", "tls-session-cache-timeout", "300", "tls-session-caching", "no").Err(); err != nil {
		t.Fatal(err)
	}
	if resumed() {
		t.Error("tls-session-caching no: resumed")
	}
}

func TestTLSEncryptedKey(t *testing.T) {
	p := newTestPKI(t)
	keyPEM, err := os.ReadFile(p.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(keyPEM)
	//lint:ignore SA1019 the legacy encryption is what respd reads
	encrypted, err := x509.EncryptPEMBlock(rand.Reader, block.Type, block.Bytes, []byte("secret"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	encryptedKey := filepath.Join(p.dir, "encrypted.key")
	writeFile(t, encryptedKey, string(pem.EncodeToMemory(encrypted)))
	_, _, secure := startTLSServer(t, p, "--tls-key-file", encryptedKey, "--tls-key-file-pass", "secret")
	tlsPing(t, secure, p.clientConfig())

	// Encrypted PKCS#8 is refused at startup, saying so.
	pkcs8Key := filepath.Join(p.dir, "pkcs8.key")
	writeFile(t, pkcs8Key, string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})))
	cfg, err := parseArgs(append(p.serverArgs(), "--save", "", "--dir", t.TempDir(), "--bind", "127.0.0.1", "--port", "0",
		"--tls-port", freePorts(t, 1)[0], "--tls-key-file", pkcs8Key, "--tls-key-file-pass", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(cfg)
	log := captureLog(s)
	if err := s.Listen(); err == nil {
		s.closeListeners()
		t.Fatal("listening with an encrypted PKCS#8 key")
	}
	for _, want := range []string{"encrypted PKCS#8 keys are not supported", "Failed to configure TLS. Check logs for more info."} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestTLSCipherSuiteNames(t *testing.T) {
	for _, c := range []struct {
		list string
		want []uint16
		ok   bool
	}{
		{"", nil, true},
		{"HIGH:!aNULL", nil, true},
		{"ECDHE-RSA-AES128-GCM-SHA256", []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}, true},
		{"TLS_RSA_WITH_AES_128_CBC_SHA, AES256-SHA", []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_CBC_SHA}, true},
		{"DHE-RSA-AES256-SHA:AES128-SHA", []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}, true},
		{"foo", nil, false},
	} {
		got, ok := cipherSuites(c.list)
		if ok != c.ok || !slices.Equal(got, c.want) {
			t.Errorf("cipherSuites(%q) = %v, %v; want %v, %v", c.list, got, ok, c.want, c.ok)
		}
	}
}

// Replication over TLS with a real redis-server, both ways.
func TestTLSReplicationInterop(t *testing.T) {
	interopRequireRedis(t)
	p := newTestPKI(t)
	replicaTLS := append([]string{"--tls-replication", "yes"}, p.serverArgs()...)
	noDelay := []string{"--repl-diskless-sync-delay", "0"}

	t.Run("master=redis,replica=respd", func(t *testing.T) {
		ports := freePorts(t, 2)
		master := interopStartRedis(t, mustAtoi(t, ports[0]), append(append([]string{"--tls-port", ports[1], "--save", "", "--dir", t.TempDir()}, noDelay...), p.serverArgs()...)...)
		replica := startServer(t, append([]string{"--replicaof", "127.0.0.1 " + ports[1]}, replicaTLS...)...)
		interopWaitLink(t, replica, "up")
		mrc := redis.NewClient(&redis.Options{Addr: master.addr})
		defer mrc.Close()
		rrc := redis.NewClient(&redis.Options{Addr: replica})
		defer rrc.Close()
		if err := mrc.Set(ctx, "via", "tls", 0).Err(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return rrc.Get(ctx, "via").Val() == "tls" })
	})

	t.Run("master=respd,replica=redis", func(t *testing.T) {
		_, plain, secure := startTLSServer(t, p, noDelay...)
		mrc := redis.NewClient(&redis.Options{Addr: plain})
		defer mrc.Close()
		if err := mrc.Set(ctx, "before", "sync", 0).Err(); err != nil {
			t.Fatal(err)
		}
		_, tlsPort, _ := net.SplitHostPort(secure)
		replica := interopStartRedis(t, mustAtoi(t, freePorts(t, 1)[0]), append([]string{"--replicaof", "127.0.0.1", tlsPort, "--save", "", "--dir", t.TempDir(),
			"--tls-client-cert-file", p.clientCert, "--tls-client-key-file", p.clientKey}, replicaTLS...)...)
		interopWaitLink(t, replica.addr, "up")
		rrc := redis.NewClient(&redis.Options{Addr: replica.addr})
		defer rrc.Close()
		if err := mrc.Set(ctx, "after", "sync", 0).Err(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return rrc.Get(ctx, "before").Val() == "sync" && rrc.Get(ctx, "after").Val() == "sync" })
	})
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
