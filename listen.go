package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Where clients come in, as Redis's listenToPort, protected mode and
// adjustOpenFilesLimit.

// Listen opens the plain port and the TLS port (tls-port), when set, on
// every address of the bind list, as Redis's listenToPort. Port 0 with a
// TLS port is no plain port, as in Redis; without one it picks a free
// port (tests and embedders rely on it).
func (s *Server) Listen() error {
	if err := s.setUpTLS(); err != nil {
		return err
	}
	if s.cfg.Port != 0 || s.cfg.TLSPort == 0 {
		sockets, err := s.bindAll(s.cfg.Port)
		if err != nil {
			return &portError{s.cfg.Port, err}
		}
		s.listeners = sockets
	}
	if s.cfg.TLSPort != 0 {
		sockets, err := s.bindAll(s.cfg.TLSPort)
		if err != nil {
			s.closeListeners()
			return &portError{s.cfg.TLSPort, err}
		}
		s.cfg.tls.acceptor.use(sockets)
	}
	return nil
}

// portError is a port the server could not listen on, as main reports it.
type portError struct {
	port int
	err  error
}

func (e *portError) Error() string {
	return fmt.Sprintf("can't listen on port %d (tcp): %s", e.port, listenError(e.err))
}

// bindAll binds port on every address of the bind list, as Redis does:
// "*" is every IPv4 interface, an address with a colon is IPv6 ("::*"
// every IPv6 interface) on an IPv6-only socket, and a leading "-" marks an
// address that is skipped, with a warning, when it does not exist here or
// its family is not supported (the default "* -::*" on a host without
// IPv6). With port 0 the first socket picks a free port and the others
// share it.
func (s *Server) bindAll(port int) ([]*net.TCPListener, error) {
	var sockets []*net.TCPListener
	for _, bind := range s.cfg.BindAddrs {
		addr, optional := strings.CutPrefix(bind, "-")
		network, host := "tcp4", addr
		switch {
		case addr == "*":
			host = "0.0.0.0"
		case addr == "::*":
			network, host = "tcp6", "::"
		case strings.Contains(addr, ":"):
			network = "tcp6"
		}
		ln, err := net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			s.warnf("Warning: Could not create server TCP listening socket %s:%d: %s", addr, port, listenError(err))
			if optional && unavailableAddress(err) {
				continue
			}
			for _, ln := range sockets {
				ln.Close()
			}
			return nil, err
		}
		sockets = append(sockets, ln.(*net.TCPListener))
		port = ln.Addr().(*net.TCPAddr).Port
	}
	if len(sockets) == 0 {
		return nil, errors.New("configured to not listen anywhere")
	}
	return sockets, nil
}

// listenError is err as Redis's anet words it: "bind: Cannot assign
// requested address".
func listenError(err error) string {
	var serr *os.SyscallError
	if errors.As(err, &serr) {
		return serr.Syscall + ": " + strerror(serr.Err)
	}
	return strerror(err)
}

// unavailableAddress: the errors for which Redis skips an optional
// address.
func unavailableAddress(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EADDRNOTAVAIL, syscall.ENOPROTOOPT, syscall.EPROTONOSUPPORT,
		syscall.ESOCKTNOSUPPORT, syscall.EPFNOSUPPORT, syscall.EAFNOSUPPORT} {
		if errors.Is(err, errno) {
			return true
		}
	}
	// Go reports an address it can't resolve in the family asked for
	// (an IPv6 literal on a host without IPv6) before any system call.
	var aerr *net.AddrError
	return errors.As(err, &aerr)
}

// closeListeners closes the listening sockets, the TLS port's too; Addr
// and Port still say where the plain ones were.
func (s *Server) closeListeners() {
	for _, ln := range s.listeners {
		ln.Close()
	}
	if a := s.cfg.tls.acceptor; a != nil {
		a.Close()
	}
}

// Addr is the address of the first listener (the first of the bind list),
// the TLS port's without a plain port.
func (s *Server) Addr() string {
	if len(s.listeners) == 0 {
		return s.cfg.tls.acceptor.Addr().String()
	}
	return s.listeners[0].Addr().String()
}

// Port is the port the server listens on (the one chosen, with port 0),
// the TLS port without a plain one, as Redis's INFO tcp_port.
func (s *Server) Port() int {
	if len(s.listeners) == 0 {
		return s.cfg.tls.acceptor.port()
	}
	return s.listeners[0].Addr().(*net.TCPAddr).Port
}

// protectedFrom reports whether protected mode turns away a client from
// peer: with protected-mode yes and no password for the default user,
// Redis 7.0 serves only clients whose address reads "127.0.0.1" or "::1"
// (not the rest of 127.0.0.0/8), whatever the bind list.
func (s *Server) protectedFrom(peer netip.Addr) bool {
	if !s.acl.defaultUser.NoPass() || !s.cfg.ProtectedMode {
		return false
	}
	return peer != netip.AddrFrom4([4]byte{127, 0, 0, 1}) && peer != netip.IPv6Loopback()
}

// reservedFDs are the descriptors Redis keeps beside its clients (the
// listeners, files, replication links): CONFIG_MIN_RESERVED_FDS.
const reservedFDs = 32

// fitOpenFilesLimit is Redis's adjustOpenFilesLimit: it raises the
// process's open-files limit to maxclients + 32 or, when the system will
// not allow that much, lowers maxclients to what the limit allows, and
// logs it. It fails only when the limit leaves no room for one client.
func (s *Server) fitOpenFilesLimit() error {
	want := uint64(s.cfg.MaxClients) + reservedFDs
	old, err := openFilesLimit()
	if err != nil {
		s.warnf("Unable to obtain the current NOFILE limit (%s), assuming 1024 and setting the max clients configuration accordingly.", strerror(err))
		s.cfg.MaxClients = 1024 - reservedFDs
		return nil
	}
	if old >= want {
		return nil
	}
	// The limit wanted, or the highest the system allows, trying 16 fewer
	// at a time, as Redis.
	var setErr error
	best := want
	for best > old {
		if setErr = setOpenFilesLimit(best); setErr == nil {
			break
		}
		if best < 16 {
			best = old
			break
		}
		best -= 16
	}
	best = max(best, old)
	if best >= want {
		s.logf("Increased maximum number of open files to %d (it was originally set to %d).", want, old)
		return nil
	}
	if best <= reservedFDs {
		s.warnf("Your current 'ulimit -n' of %d is not enough for the server to start. Please increase your open file limit to at least %d. Exiting.", old, want)
		return fmt.Errorf("an open files limit of %d leaves no room for a client", old)
	}
	s.warnf("You requested maxclients of %d requiring at least %d max file descriptors.", s.cfg.MaxClients, want)
	s.warnf("Server can't set maximum open files to %d because of OS error: %s.", want, strerror(setErr))
	s.cfg.MaxClients = int(best - reservedFDs)
	s.warnf("Current maximum open files is %d. maxclients has been reduced to %d to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.", best, s.cfg.MaxClients)
	return nil
}

// applyMaxclients fits the open-files limit to a maxclients set at run
// time, failing as Redis does when the system will not allow it.
func (s *Server) applyMaxclients() string {
	wanted := s.cfg.MaxClients
	if err := s.fitOpenFilesLimit(); err != nil || s.cfg.MaxClients != wanted {
		return fmt.Sprintf(errMaxclientsTooMany, s.cfg.MaxClients)
	}
	return ""
}
