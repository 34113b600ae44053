package main

import (
	"os"
	"syscall"
)

// multiplexingAPI is INFO's multiplexing_api: both engines wait in epoll
// (redcon's through Go's netpoller).
const multiplexingAPI = "epoll"

// syncData makes an AOF's appended data durable with fdatasync, as Redis's
// redis_fsync on Linux: unlike fsync, it does not wait for the journal to
// record timestamps. It holds a reference on the file, so a Close from
// another goroutine can't hand its descriptor to another file meanwhile;
// on a file already closed it returns os.ErrClosed.
func syncData(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			if serr = syscall.Fdatasync(int(fd)); serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return serr
}

// osDescription is INFO's os field as Redis prints it from uname(2): the
// kernel's name, release and machine ("Linux 6.1.0-18-amd64 x86_64").
func osDescription() string {
	var uts syscall.Utsname
	syscall.Uname(&uts)
	return utsString(uts.Sysname[:]) + " " + utsString(uts.Release[:]) + " " + utsString(uts.Machine[:])
}

// utsString is a NUL-terminated Utsname field, whose bytes are int8 on
// some architectures and uint8 on others (arm, ppc64, s390x).
func utsString[T int8 | uint8](field []T) string {
	b := make([]byte, 0, len(field))
	for _, ch := range field {
		if ch == 0 {
			break
		}
		b = append(b, byte(ch))
	}
	return string(b)
}
