#ifndef STRONGROOM_PROCESS_H
#define STRONGROOM_PROCESS_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` as a child that cannot outlive its parent: the child gets
/// PR_SET_PDEATHSIG(SIGKILL), and exits at once if the parent is already gone. Its signal mask is
/// empty and SIGINT/SIGTERM/SIGHUP/SIGPIPE/SIGQUIT have their default actions. `cwd` (may be NULL)
/// is its working directory; `stderr_fd` (or -1) becomes its standard error.
/// Returns the pid, or -errno (fork failed). A failed exec exits the child with status 127.
pid_t strongroom_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd, int stderr_fd);

/// PR_SET_DUMPABLE 0 for this process: other processes of the same user can no longer ptrace it
/// or read its memory through /proc (root still can). Returns 0 or -errno.
int strongroom_set_nondumpable(void);

/// pidfd_open(2) with O_CLOEXEC semantics: a descriptor that becomes readable when the child
/// `pid` exits, so a parent can await its end without a thread blocked in waitpid. Returns the
/// descriptor or -errno (ENOSYS before Linux 5.3).
int strongroom_pidfd_open(pid_t pid);

#endif

#ifndef STRONGROOM_PROCESS_GUARDIAN
#define STRONGROOM_PROCESS_GUARDIAN
/// Forks a guardian for a private directory and returns the write end of its pipe (O_CLOEXEC), or
/// -errno. The guardian (its own session, deaf to terminal signals) reads one line — the directory's
/// absolute path — then waits until the pipe closes: when this process ends, however it ends
/// (SIGKILL included), it overwrites every regular file below the directory with zeros and removes
/// the tree. Start it before any secret is in memory: it is a copy of this process.
int strongroom_start_guardian(void);
#endif
