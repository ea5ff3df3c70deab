"""server/seccomp.py: the filter's decisions, run through a small classic-BPF interpreter, and its
system call numbers against the kernel headers where they are installed."""

from __future__ import annotations

import errno
import re
import struct
from pathlib import Path

import pytest

from server.seccomp import (
    AARCH64,
    AF_VSOCK,
    CLONE_NEWUSER,
    RET_ALLOW,
    RET_ERRNO,
    X32_SYSCALL_BIT,
    X86_64,
    architecture,
    program,
)

I386 = 0x40000003


def run(filter_bytes: bytes, arch: int, nr: int, arg0: int = 0) -> int:
    """What the kernel would do with one system call: the filter's return value."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, arg0, 0, 0, 0, 0, 0)
    ops = [struct.unpack_from("<HBBI", filter_bytes, i) for i in range(0, len(filter_bytes), 8)]
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = ops[pc]
        if code == 0x20:  # ld [k]
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code in (0x15, 0x35, 0x45):
            taken = {0x15: acc == k, 0x35: acc >= k, 0x45: bool(acc & k)}[code]
            pc += 1 + (jt if taken else jf)
        elif code == 0x06:
            return k
        else:
            raise AssertionError(f"unexpected opcode {code:#x}")


@pytest.mark.parametrize("arch", [X86_64, AARCH64])
def test_user_namespaces_and_the_denied_calls_are_refused(arch):
    bpf = program(arch)
    assert len(bpf) % 8 == 0 and len(bpf) // 8 < 4096  # BPF_MAXINSNS
    eperm, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    assert run(bpf, arch.audit_arch, arch.clone, CLONE_NEWUSER | 0x11) == eperm
    assert run(bpf, arch.audit_arch, arch.unshare, CLONE_NEWUSER) == eperm
    assert run(bpf, arch.audit_arch, arch.clone, 0x003D0F00) == RET_ALLOW  # a thread, as glibc makes one
    assert run(bpf, arch.audit_arch, arch.unshare, 0x00000200) == RET_ALLOW  # CLONE_FS: nothing new
    assert run(bpf, arch.audit_arch, arch.clone3) == enosys  # its flags are out of reach: libc falls back
    for name, number in arch.denied.items():
        assert run(bpf, arch.audit_arch, number) == eperm, name
    assert run(bpf, arch.audit_arch, arch.socket, AF_VSOCK) == RET_ERRNO | errno.EAFNOSUPPORT
    assert run(bpf, arch.audit_arch, arch.socket, 2) == RET_ALLOW  # AF_INET: the network namespace decides
    assert run(bpf, arch.audit_arch, 0) == RET_ALLOW  # read / io_setup: ordinary calls pass
    assert run(bpf, arch.audit_arch, 60) == RET_ALLOW
    assert run(bpf, I386, 1) == enosys  # another ABI's entry: nothing at all


def test_x32_numbers_are_refused_on_x86_64():
    bpf = program(X86_64)
    assert run(bpf, X86_64.audit_arch, X32_SYSCALL_BIT | X86_64.unshare) == RET_ERRNO | errno.ENOSYS
    assert run(bpf, X86_64.audit_arch, X32_SYSCALL_BIT | X86_64.unshare, CLONE_NEWUSER) == RET_ERRNO | errno.ENOSYS


def test_the_architecture_is_known_by_its_machine_name():
    assert architecture("x86_64") is X86_64 and architecture("aarch64") is AARCH64 and architecture("arm64") is AARCH64
    assert architecture("riscv64") is None  # no filter is built for it (the sandbox says so in its log)


@pytest.mark.parametrize(
    ("arch", "header"),
    [(X86_64, "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"), (AARCH64, "/usr/include/asm-generic/unistd.h")],
)
def test_the_numbers_are_the_kernels(arch, header):
    path = Path(header)
    if not path.exists():
        pytest.skip(f"{header} is not installed")
    numbers = {m[0]: int(m[1]) for m in re.findall(r"#define __NR(?:3264)?_(\w+)\s+(\d+)", path.read_text())}
    for name, number in [
        *arch.denied.items(),
        ("clone", arch.clone),
        ("unshare", arch.unshare),
        ("clone3", arch.clone3),
    ]:
        assert numbers[name] == number, name
