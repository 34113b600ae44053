//go:build !linux

package main

// Without epoll, redcon's server is the only engine.

// The io-engine parameter's values here, the default first.
var ioEngines = []string{"redcon"}

// newEngine starts the engine io-engine names.
func (s *Server) newEngine() (engine, error) { return newRedconEngine(s), nil }
