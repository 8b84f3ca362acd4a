package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The libc calls Java lacks, bound through JNA. Every method sets errno on failure and throws
 * {@link LastErrorException} (carrying errno) instead of returning -1, except the posix_spawn
 * family, which returns the error number. Linux on 64-bit only (size_t is a Java long). Bound
 * to glibc by its soname, so every symbol resolves in glibc itself, not in whatever library of
 * the process's global scope defines it first.
 */
public interface LibC extends Library {
  LibC INSTANCE = Native.load("libc.so.6", LibC.class);

  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_RDWR = 2;
  int O_NOCTTY = 0x100;
  int O_NONBLOCK = 0x800;
  int O_DIRECTORY = 0x10000;
  int O_NOFOLLOW = 0x20000;
  int O_CLOEXEC = 0x80000;
  int O_PATH = 0x200000;

  int F_GETFD = 1;
  int F_SETFD = 2;
  int F_GETFL = 3;
  int F_SETFL = 4;
  int F_DUPFD_CLOEXEC = 1030;
  int FD_CLOEXEC = 1;

  int EINTR = 4;
  int ENOENT = 2;
  int ESRCH = 3;
  int EAGAIN = 11;
  int EPIPE = 32;
  int ENOSYS = 38;
  int ECHILD = 10;

  int WNOHANG = 1;

  int EFD_CLOEXEC = O_CLOEXEC;
  int EFD_NONBLOCK = O_NONBLOCK;

  short POSIX_SPAWN_SETPGROUP = 0x02;
  short POSIX_SPAWN_SETSIGDEF = 0x04;
  short POSIX_SPAWN_SETSIGMASK = 0x08;

  int AF_UNIX = 1;
  int SOCK_STREAM = 1;
  int SOCK_SEQPACKET = 5;
  int SOCK_CLOEXEC = 0x80000;
  int SHUT_RD = 0;
  int SHUT_WR = 1;
  int MSG_NOSIGNAL = 0x4000;

  short POLLIN = 0x1;
  short POLLOUT = 0x4;
  short POLLERR = 0x8;
  short POLLHUP = 0x10;
  short POLLNVAL = 0x20;

  int IN_NONBLOCK = O_NONBLOCK;
  int IN_CLOEXEC = O_CLOEXEC;
  int IN_MODIFY = 0x2;
  int IN_ATTRIB = 0x4;
  int IN_CLOSE_WRITE = 0x8;
  int IN_MOVED_TO = 0x80;
  int IN_CREATE = 0x100;
  int IN_DELETE_SELF = 0x400;
  int IN_MOVE_SELF = 0x800;

  /** Same numbers on x86-64 and arm64: these syscalls postdate the split numbering. */
  long SYS_PIDFD_SEND_SIGNAL = 424;
  long SYS_PIDFD_OPEN = 434;
  long SYS_OPENAT2 = 437;

  int open(String path, int flags, int mode) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  long read(int fd, byte[] buf, long count) throws LastErrorException;

  long write(int fd, byte[] buf, long count) throws LastErrorException;

  long read(int fd, Pointer buf, long count) throws LastErrorException;

  long write(int fd, Pointer buf, long count) throws LastErrorException;

  int eventfd(int initialValue, int flags) throws LastErrorException;

  int pipe2(int[] fds, int flags) throws LastErrorException;

  int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  int kill(int pid, int signal) throws LastErrorException;

  int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

  int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

  int socket(int domain, int type, int protocol) throws LastErrorException;

  int connect(int fd, byte[] address, int length) throws LastErrorException;

  long send(int fd, byte[] buf, long length, int flags) throws LastErrorException;

  long recv(int fd, byte[] buf, long length, int flags) throws LastErrorException;

  int shutdown(int fd, int how) throws LastErrorException;

  int inotify_init1(int flags) throws LastErrorException;

  int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

  long syscall(long number, Object... args) throws LastErrorException;

  int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes,
      String[] argv, String[] envp);

  int posix_spawn_file_actions_init(Pointer actions);

  int posix_spawn_file_actions_destroy(Pointer actions);

  int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

  int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags,
      int mode);

  int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

  int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

  int posix_spawnattr_init(Pointer attributes);

  int posix_spawnattr_destroy(Pointer attributes);

  int posix_spawnattr_setflags(Pointer attributes, short flags);

  int posix_spawnattr_setsigmask(Pointer attributes, Pointer mask);

  int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

  int posix_spawnattr_setpgroup(Pointer attributes, int pgroup);

  int sigemptyset(Pointer set);

  int sigfillset(Pointer set);

  int sigdelset(Pointer set, int signal);

  String strerror(int errno);
}
