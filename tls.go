package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TLS, as Redis's tls.c, on Go's crypto/tls: the TLS port (tls-port) beside
// the plain one, and the master link over TLS (tls-replication).
//
// crypto/tls reads and writes through a blocking net.Conn, which the epoll
// engine's raw non-blocking sockets cannot be; the redcon engine's
// goroutine per connection can. So TLS is served by the redcon engine,
// both ports at once into the one core, and a server that may serve TLS —
// tls-port or tls-replication set, or a certificate configured so that
// CONFIG SET can turn them on — runs it (setUpTLS). The epoll engine,
// the faster one, stays the default for plain-only servers. Having the
// epoll loop drive TLS connections through goroutines of their own would
// keep it for the plain port too, but the core's end of a turn would then
// write each client its engine's way; one engine per server keeps one.
//
// Where Go's crypto/tls cannot do what OpenSSL does, respd does the
// nearest thing and says so here:
//   - tls-ciphers: a list of suite names, OpenSSL's (ECDHE-RSA-AES128-GCM-SHA256)
//     or IANA's, of the suites Go implements; OpenSSL's keywords and
//     operators (HIGH, !aNULL, @STRENGTH) are skipped, and a list with no
//     name Go knows leaves Go's default suites;
//   - tls-ciphersuites (TLS 1.3): names are checked, but Go's TLS 1.3
//     suites are fixed;
//   - tls-prefer-server-ciphers: Go chooses by its own order, always;
//   - tls-protocols: Go allows a range of versions, from the lowest named
//     to the highest;
//   - tls-session-caching: resumption is by stateless session tickets,
//     not a server-side cache: tls-session-cache-timeout bounds a ticket's
//     age, tls-session-cache-size has nothing to size;
//   - tls-key-file-pass: keys encrypted in the traditional PEM format
//     ("Proc-Type: 4,ENCRYPTED", openssl's -traditional) are decrypted;
//     encrypted PKCS#8 ("BEGIN ENCRYPTED PRIVATE KEY") is refused with a
//     log line saying how to convert it;
//   - tls-dh-params-file: Go has no finite-field Diffie-Hellman.

// tlsState is what the server built from the tls-* parameters.
type tlsState struct {
	// server is the accepted connections' configuration; client the
	// master link's. Nil until TLS is configured; CONFIG SET replaces
	// them, and each connection takes the one current when it starts.
	server, client atomic.Pointer[tls.Config]
	// acceptor is the TLS port, on the redcon engine (nil on epoll).
	acceptor *tlsAcceptor
}

// msgTLSConfig: TLS could not be configured at startup (the log says why).
const msgTLSConfig = "Failed to configure TLS. Check logs for more info."

// tlsHandshakeTimeout bounds a handshake: a client that connects and sends
// nothing holds a goroutine and a descriptor until then, nothing else.
const tlsHandshakeTimeout = 10 * time.Second

// tlsInUse: the server needs its TLS configuration, as Redis's tls_port ||
// tls_replication.
func (cfg *Config) tlsInUse() bool { return cfg.TLSPort != 0 || cfg.TLSReplication }

// setUpTLS prepares TLS before the server listens: the engine that can
// serve it (redcon, see above), and the configuration when TLS is in use.
func (s *Server) setUpTLS() error {
	cfg := s.cfg
	if cfg.IOEngine != "redcon" && (cfg.tlsInUse() || cfg.TLSCertFile != "") {
		s.logf("TLS is served by the redcon engine: io-engine is redcon")
		cfg.IOEngine = "redcon"
	}
	if cfg.IOEngine == "redcon" {
		cfg.tls.acceptor = newTLSAcceptor(s)
	}
	if cfg.tlsInUse() && !s.configureTLS() {
		s.warnf(msgTLSConfig)
		return errors.New("failed to configure TLS (the log says why)")
	}
	return nil
}

// configureTLS builds the TLS configurations from the parameters, or logs
// why it can't and leaves the current ones, as Redis's tlsConfigure; it
// reports whether it did.
// It reads the certificate files with the data lock held, as Redis does:
// they are small, and CONFIG SET is rare.
func (s *Server) configureTLS() bool {
	cfg := s.cfg
	fail := func(format string, args ...any) bool {
		s.warnf(format, args...)
		return false
	}
	switch {
	case cfg.TLSCertFile == "":
		return fail("No tls-cert-file configured!")
	case cfg.TLSKeyFile == "":
		return fail("No tls-key-file configured!")
	case (cfg.TLSAuthClients != "no" || cfg.TLSReplication) && cfg.TLSCACertFile == "" && cfg.TLSCACertDir == "":
		return fail("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or tls-auth-clients are enabled!")
	}
	minVersion, maxVersion, ok := tlsVersions(cfg.TLSProtocols)
	if !ok {
		return fail("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.")
	}
	cert, why := loadKeyPair(cfg.TLSCertFile, cfg.TLSKeyFile, cfg.TLSKeyFilePass)
	if why != "" {
		return fail("%s", why)
	}
	clientCert := cert
	if cfg.TLSClientCertFile != "" && cfg.TLSClientKeyFile != "" {
		if clientCert, why = loadKeyPair(cfg.TLSClientCertFile, cfg.TLSClientKeyFile, cfg.TLSClientKeyFilePass); why != "" {
			return fail("%s", why)
		}
	}
	cas, err := loadCAs(cfg.TLSCACertFile, cfg.TLSCACertDir)
	if err != nil {
		return fail("Failed to configure CA certificate(s) file/directory: %s", err)
	}
	suites, ok := cipherSuites(cfg.TLSCiphers)
	if !ok {
		return fail("Failed to configure ciphers: %s", cfg.TLSCiphers)
	}
	if !validTLS13Suites(cfg.TLSCipherSuites) {
		return fail("Failed to configure ciphersuites: %s", cfg.TLSCipherSuites)
	}

	server := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    cas,
		ClientAuth:   map[string]tls.ClientAuthType{"yes": tls.RequireAndVerifyClientCert, "optional": tls.VerifyClientCertIfGiven, "no": tls.NoClientCert}[cfg.TLSAuthClients],
		MinVersion:   minVersion,
		MaxVersion:   maxVersion,
		CipherSuites: suites,
		// Full records from the first byte: small first records help a
		// browser render sooner, and cost a pipeline's replies syscalls.
		DynamicRecordSizingDisabled: true,
		SessionTicketsDisabled:      !cfg.TLSSessionCaching,
	}
	limitTicketAge(server, time.Duration(cfg.TLSSessionCacheTimeout)*time.Second)
	client := &tls.Config{
		Certificates: []tls.Certificate{clientCert},
		MinVersion:   minVersion,
		MaxVersion:   maxVersion,
		CipherSuites: suites,
		// Redis checks the master's certificate against the CAs, not its
		// name: replicaof is often an IP address the certificate does not
		// list. VerifyConnection does the check.
		InsecureSkipVerify: true,
		VerifyConnection:   func(cs tls.ConnectionState) error { return verifyChain(cs, cas) },
	}
	s.cfg.tls.server.Store(server)
	s.cfg.tls.client.Store(client)
	return true
}

// tlsVersions is tls-protocols as the lowest and highest version allowed:
// "TLSv1.2 TLSv1.3" by default, as Redis.
func tlsVersions(protocols string) (lowest, highest uint16, ok bool) {
	names := map[string]uint16{"tlsv1": tls.VersionTLS10, "tlsv1.1": tls.VersionTLS11, "tlsv1.2": tls.VersionTLS12, "tlsv1.3": tls.VersionTLS13}
	if protocols == "" {
		return tls.VersionTLS12, tls.VersionTLS13, true
	}
	for _, name := range strings.Fields(protocols) {
		v, known := names[strings.ToLower(name)]
		if !known {
			return 0, 0, false
		}
		if lowest == 0 || v < lowest {
			lowest = v
		}
		highest = max(highest, v)
	}
	return lowest, highest, lowest != 0
}

// loadKeyPair reads a certificate chain and its key, decrypting the key
// with pass when one is given; why it failed is Redis's log line.
func loadKeyPair(certFile, keyFile, pass string) (cert tls.Certificate, why string) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return cert, fmt.Sprintf("Failed to load certificate: %s: %s", certFile, strerror(err))
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err == nil && pass != "" {
		keyPEM, err = decryptKeyPEM(keyPEM, pass)
	}
	if err != nil {
		return cert, fmt.Sprintf("Failed to load private key: %s: %s", keyFile, strerror(err))
	}
	if cert, err = tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return cert, fmt.Sprintf("Failed to load certificate: %s: %s", certFile, err)
	}
	return cert, ""
}

// decryptKeyPEM decrypts the encrypted blocks of a PEM key file, in the
// traditional PEM encryption, the only one Go's standard library reads.
// That encryption is legacy (its key derivation is weak), but the file is
// what the operator has, and OpenSSL reads it.
func decryptKeyPEM(data []byte, pass string) ([]byte, error) {
	var out []byte
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			return out, nil
		}
		data = rest
		//lint:ignore SA1019 the legacy format is the one there is to read
		if x509.IsEncryptedPEMBlock(block) {
			//lint:ignore SA1019 as above
			der, err := x509.DecryptPEMBlock(block, []byte(pass))
			if err != nil {
				return nil, err
			}
			block = &pem.Block{Type: block.Type, Bytes: der}
		} else if block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("encrypted PKCS#8 keys are not supported: convert it with 'openssl pkey -in key.pem -aes256 -traditional' or store it unencrypted")
		}
		out = append(out, pem.EncodeToMemory(block)...)
	}
}

// loadCAs reads the certificates of the CA file and of every file in the
// CA directory (OpenSSL looks there by hashed name; reading them all
// trusts the same certificates). Nil when neither is set.
func loadCAs(file, dir string) (*x509.CertPool, error) {
	if file == "" && dir == "" {
		return nil, nil
	}
	pool := x509.NewCertPool()
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", file, strerror(err))
		}
		if !pool.AppendCertsFromPEM(data) {
			return nil, fmt.Errorf("%s: no certificate found", file)
		}
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", dir, strerror(err))
		}
		for _, e := range entries {
			if !e.Type().IsRegular() {
				continue
			}
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				pool.AppendCertsFromPEM(data)
			}
		}
	}
	return pool, nil
}

// opensslSuites are OpenSSL's names of the TLS 1.0–1.2 suites Go
// implements.
var opensslSuites = map[string]uint16{
	"ECDHE-ECDSA-AES128-GCM-SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-RSA-AES128-GCM-SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	"ECDHE-ECDSA-AES256-GCM-SHA384": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-RSA-AES256-GCM-SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	"ECDHE-ECDSA-CHACHA20-POLY1305": tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-RSA-CHACHA20-POLY1305":   tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	"ECDHE-ECDSA-AES128-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	"ECDHE-RSA-AES128-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	"ECDHE-ECDSA-AES256-SHA":        tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	"ECDHE-RSA-AES256-SHA":          tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	"ECDHE-ECDSA-AES128-SHA256":     tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	"ECDHE-RSA-AES128-SHA256":       tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	"ECDHE-RSA-DES-CBC3-SHA":        tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
	"ECDHE-ECDSA-RC4-SHA":           tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
	"ECDHE-RSA-RC4-SHA":             tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA,
	"AES128-GCM-SHA256":             tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	"AES256-GCM-SHA384":             tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	"AES128-SHA":                    tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	"AES256-SHA":                    tls.TLS_RSA_WITH_AES_256_CBC_SHA,
	"AES128-SHA256":                 tls.TLS_RSA_WITH_AES_128_CBC_SHA256,
	"DES-CBC3-SHA":                  tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
	"RC4-SHA":                       tls.TLS_RSA_WITH_RC4_128_SHA,
}

// opensslKeywords are the words of OpenSSL's cipher-list syntax that name
// groups of suites rather than one.
var opensslKeywords = []string{"DEFAULT", "ALL", "HIGH", "MEDIUM", "LOW", "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL"}

// cipherSuites is tls-ciphers as Go's suites: nil (Go's defaults) for an
// empty list or one of OpenSSL's keywords and operators only; not ok when
// an entry is neither a keyword nor a suite Go implements, and no entry
// is one, as OpenSSL refuses a list that selects nothing.
func cipherSuites(list string) ([]uint16, bool) {
	byName := map[string]uint16{}
	for _, cs := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		byName[cs.Name] = cs.ID
	}
	var suites []uint16
	unknown := false
	for _, name := range strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ',' || r == ' ' }) {
		if id, ok := opensslSuites[name]; ok {
			suites = append(suites, id)
		} else if id, ok := byName[name]; ok {
			suites = append(suites, id)
		} else if !strings.ContainsAny(name[:1], "!-+@") && !slices.Contains(opensslKeywords, name) {
			unknown = true
		}
	}
	return suites, suites != nil || !unknown
}

// validTLS13Suites: tls-ciphersuites names at least one TLS 1.3 suite (or
// none is set), as OpenSSL requires.
func validTLS13Suites(list string) bool {
	if list == "" {
		return true
	}
	known := []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"}
	for _, name := range strings.Split(list, ":") {
		if slices.Contains(known, name) {
			return true
		}
	}
	return false
}

// limitTicketAge has the server resume only sessions whose ticket it
// issued within timeout (tls-session-cache-timeout): the issue time rides
// in the ticket, encrypted with it.
func limitTicketAge(conf *tls.Config, timeout time.Duration) {
	conf.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		ss.Extra = append(ss.Extra, binary.BigEndian.AppendUint64(nil, uint64(time.Now().UnixNano())))
		return conf.EncryptTicket(cs, ss)
	}
	conf.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := conf.DecryptTicket(identity, cs)
		if ss == nil || err != nil || len(ss.Extra) == 0 {
			return nil, nil // not one of ours: a full handshake
		}
		issued := ss.Extra[len(ss.Extra)-1]
		if len(issued) != 8 || time.Since(time.Unix(0, int64(binary.BigEndian.Uint64(issued)))) > timeout {
			return nil, nil
		}
		return ss, nil
	}
}

// verifyChain checks the peer's certificate chain against the CAs.
func verifyChain(cs tls.ConnectionState, cas *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no certificate")
	}
	opts := x509.VerifyOptions{Roots: cas, Intermediates: x509.NewCertPool()}
	for _, cert := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(cert)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}

// applyTLSConfig applies a tls-* parameter other than tls-port (CONFIG
// SET): while TLS is in use, the configuration is rebuilt for the
// connections to come, as Redis's applyTlsCfg.
func (s *Server) applyTLSConfig() string {
	if !s.cfg.tlsInUse() {
		return ""
	}
	if s.cfg.tls.acceptor == nil {
		s.warnf("TLS needs the redcon engine: start respd with tls-port, tls-replication or tls-cert-file set")
		return errTLSUpdate
	}
	if !s.configureTLS() {
		return errTLSUpdate
	}
	return ""
}

// applyTLSPort moves the TLS port: the new port's sockets open before the
// old one's close, and the clients connected stay, as Redis's
// changeListenPort.
func (s *Server) applyTLSPort() string {
	a := s.cfg.tls.acceptor
	if a == nil {
		s.warnf("The epoll engine has no TLS port: start respd with tls-port, tls-replication or tls-cert-file set")
		return errTLSListen
	}
	if s.cfg.TLSPort == 0 {
		a.use(nil)
		return ""
	}
	if s.cfg.tls.server.Load() == nil && !s.configureTLS() {
		return errTLSUpdate
	}
	sockets, err := s.bindAll(s.cfg.TLSPort)
	if err != nil {
		return errTLSListen
	}
	a.use(sockets)
	return ""
}

// masterTLS is the master link's TLS configuration, nil without
// tls-replication (lock held).
func (s *Server) masterTLS() *tls.Config {
	if !s.cfg.TLSReplication {
		return nil
	}
	return s.cfg.tls.client.Load()
}

// dialMaster connects to the master, over TLS when conf is set, the
// handshake within timeout.
func dialMaster(addr string, timeout time.Duration, noDelay bool, conf *tls.Config) (net.Conn, error) {
	raw, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	raw.(*net.TCPConn).SetNoDelay(noDelay)
	if conf == nil {
		return raw, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn := tls.Client(raw, conf)
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// closeConn closes a connection without waiting: a TLS connection's
// close_notify is a write, which waits up to 5 s for a peer that does not
// read, and the caller may hold the data lock.
func closeConn(conn net.Conn) {
	if tc, ok := conn.(*tls.Conn); ok {
		go tc.Close()
		return
	}
	conn.Close()
}

// tlsAcceptor is the TLS port as a listener for redcon: it hands over
// connections whose handshake has completed. Each handshake runs in a
// goroutine of its own, under a deadline, without the data lock, so a
// client that sends nothing or fails the handshake delays no other; a
// failure is logged and its connection closed. CONFIG SET tls-port
// replaces the sockets; the listener, and redcon's server on it, stay.
type tlsAcceptor struct {
	s     *Server
	ready chan net.Conn // handshaken, for Accept
	done  chan struct{} // closed by Close
	once  sync.Once

	mu      sync.Mutex
	sockets []*net.TCPListener
}

func newTLSAcceptor(s *Server) *tlsAcceptor {
	return &tlsAcceptor{s: s, ready: make(chan net.Conn), done: make(chan struct{})}
}

// use makes sockets the TLS port's, closing the previous ones, and accepts
// on them.
func (a *tlsAcceptor) use(sockets []*net.TCPListener) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ln := range a.sockets {
		ln.Close()
	}
	a.sockets = sockets
	for _, ln := range sockets {
		go a.acceptFrom(newRedconListener(ln, a.s))
	}
}

// acceptFrom accepts on one socket until it is closed.
func (a *tlsAcceptor) acceptFrom(l *redconListener) {
	defer l.closeSpare()
	for {
		conn, err := l.acceptTCP()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			a.s.warnf("Accepting client connection: accept: %s", strerror(err))
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if conn != nil {
			go a.handshake(conn)
		}
	}
}

func (a *tlsAcceptor) handshake(raw net.Conn) {
	conn := tls.Server(raw, a.s.cfg.tls.server.Load())
	raw.SetDeadline(time.Now().Add(tlsHandshakeTimeout))
	if err := conn.Handshake(); err != nil {
		a.s.warnf("Error accepting a client connection: %s (addr=%s)", err, raw.RemoteAddr())
		raw.Close()
		return
	}
	raw.SetDeadline(time.Time{})
	select {
	case a.ready <- &redconConn{Conn: conn, s: a.s}:
	case <-a.done:
		raw.Close()
	}
}

func (a *tlsAcceptor) Accept() (net.Conn, error) {
	select {
	case conn := <-a.ready:
		return conn, nil
	case <-a.done:
		return nil, net.ErrClosed
	}
}

// Close closes the sockets and ends Accept.
func (a *tlsAcceptor) Close() error {
	a.once.Do(func() { close(a.done) })
	a.use(nil)
	return nil
}

// Addr is the first socket's address (redcon only records it).
func (a *tlsAcceptor) Addr() net.Addr {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.sockets) == 0 {
		return &net.TCPAddr{}
	}
	return a.sockets[0].Addr()
}

// port is the TLS port's number (0 without sockets).
func (a *tlsAcceptor) port() int { return a.Addr().(*net.TCPAddr).Port }
