package lualib

import (
	"os/exec"
	"syscall"
)

// dieWithTest has the kernel kill the redis-server when the test process
// dies, so that a crashed test (where no cleanup runs) leaves none behind.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
