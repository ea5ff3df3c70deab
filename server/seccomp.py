"""The seccomp filter untrusted code runs under (server/sandbox.py hands it to bubblewrap's `--seccomp`).

The sandbox already takes every capability away; this filter closes kernel surface that needs none:

- **user namespaces**: `clone` and `unshare` with CLONE_NEWUSER fail with EPERM, and `clone3` (whose
  flags sit in memory a filter cannot read) with ENOSYS, so C libraries fall back to `clone`, as they
  do under Docker's and Flatpak's filters. A namespace of one's own would give the code every
  capability inside it, and with them the kernel's code for mounts, netfilter and more. `setns` too.
- **kernel subsystems** unprivileged code has no use for here and that have carried privilege
  escalations: the key rings (shared by every sandbox of one uid), eBPF, perf events, userfaultfd,
  io_uring, fanotify, handles to files by inode, and the mount, module and kexec calls (refused without
  capabilities anyway; refused here before the kernel looks at them).
- **vsock**: `socket(AF_VSOCK, ...)` is EAFNOSUPPORT. In a virtual machine a vsock reaches the host's
  agents, and no network namespace stands in its way (a model worker has no network otherwise).
- **other ABIs**: a system call made through another architecture's entry (32-bit `int 0x80`, x32)
  fails with ENOSYS, so none of the above can be reached by its other number.

The program is classic BPF, built here (no library): each denied call is two instructions.
"""

from __future__ import annotations

import errno
import platform
import struct
from dataclasses import dataclass

# linux/filter.h and linux/seccomp.h
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]
_NR, _ARCH, _ARG0_LOW = 0, 4, 16  # the low half of args[0] on a little-endian machine
CLONE_NEWUSER = 0x10000000
AF_VSOCK = 40
X32_SYSCALL_BIT = 0x40000000


@dataclass(frozen=True)
class Architecture:
    audit_arch: int  # AUDIT_ARCH_* of linux/audit.h
    clone: int
    unshare: int
    clone3: int
    socket: int
    denied: dict[str, int]  # refused with EPERM, whatever their arguments
    x32: bool = False  # x86-64's second ABI: its numbers carry X32_SYSCALL_BIT


# The numbers from asm/unistd_64.h (x86-64) and asm-generic/unistd.h (arm64); tests/unit/test_seccomp.py
# checks them against the headers where they are installed.
X86_64 = Architecture(
    audit_arch=0xC000003E,
    clone=56,
    unshare=272,
    clone3=435,
    socket=41,
    x32=True,
    denied={
        "setns": 308, "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321, "perf_event_open": 298,
        "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "open_by_handle_at": 304, "mount": 165, "umount2": 166, "pivot_root": 155, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320,
        "fanotify_init": 300,
    },
)  # fmt: skip
AARCH64 = Architecture(
    audit_arch=0xC00000B7,
    clone=220,
    unshare=97,
    clone3=435,
    socket=198,
    denied={
        "setns": 268, "keyctl": 219, "add_key": 217, "request_key": 218, "bpf": 280, "perf_event_open": 241,
        "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "open_by_handle_at": 265, "mount": 40, "umount2": 39, "pivot_root": 41, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294,
        "fanotify_init": 262,
    },
)  # fmt: skip
ARCHITECTURES = {"x86_64": X86_64, "amd64": X86_64, "aarch64": AARCH64, "arm64": AARCH64}


def architecture(machine: str | None = None) -> Architecture | None:
    """This machine's (None: one the filter does not know, so no filter is built)."""
    return ARCHITECTURES.get((machine or platform.machine()).lower())


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)  # struct sock_filter; both architectures are little-endian


def _refuse(errno_value: int) -> bytes:
    return _op(_RET_K, RET_ERRNO | errno_value)


def _on_first_argument(number: int, test: int, value: int, errno_value: int) -> list[bytes]:
    """System call `number` is refused with errno_value when its first argument passes `test` (equal to,
    or with a bit of, `value`), allowed otherwise; any other call goes on to the next rule."""
    return [
        _op(_JEQ_K, number, jf=4),
        _op(_LD_W_ABS, _ARG0_LOW),
        _op(test, value, jf=1),
        _refuse(errno_value),
        _op(_RET_K, RET_ALLOW),
    ]


def program(arch: Architecture) -> bytes:
    """The filter, as the bytes of a `struct sock_filter` array (what bubblewrap's --seccomp reads)."""
    ops = [
        _op(_LD_W_ABS, _ARCH),
        _op(_JEQ_K, arch.audit_arch, jt=1),  # this architecture: go on; any other entry: ENOSYS
        _refuse(errno.ENOSYS),
        _op(_LD_W_ABS, _NR),
    ]
    if arch.x32:
        ops += [_op(_JGE_K, X32_SYSCALL_BIT, jf=1), _refuse(errno.ENOSYS)]
    ops += [_op(_JEQ_K, arch.clone3, jf=1), _refuse(errno.ENOSYS)]
    for number in sorted(set(arch.denied.values())):
        ops += [_op(_JEQ_K, number, jf=1), _refuse(errno.EPERM)]
    # a vsock reaches the hypervisor's host, past any network namespace: no such socket
    ops += _on_first_argument(arch.socket, _JEQ_K, AF_VSOCK, errno.EAFNOSUPPORT)
    for number in (arch.clone, arch.unshare):  # the flags decide: a new user namespace is refused
        ops += _on_first_argument(number, _JSET_K, CLONE_NEWUSER, errno.EPERM)
    ops.append(_op(_RET_K, RET_ALLOW))
    return b"".join(ops)
